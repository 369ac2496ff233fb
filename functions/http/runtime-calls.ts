/** Call records written by the voice runtime (README "Call records (issue 21)"). */
import { recordRuntimeCallEvents, startRuntimeCall } from '../api/routes/calls';
import { problems } from '../lib/problem';
import { httpHandler, implement } from './pipeline/handler';

const notYet = () => {
  throw problems.unavailable('Call records are not built yet on this deployment.');
};

export const handler = httpHandler([
  implement(startRuntimeCall, notYet),
  implement(recordRuntimeCallEvents, notYet),
]);
