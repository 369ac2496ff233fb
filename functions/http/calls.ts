/** The org's call records (README "Call records (issue 21)"). */
import { getCall, getCallSummary, listCalls } from '../api/routes/calls';
import { problems } from '../lib/problem';
import { httpHandler, implement } from './pipeline/handler';

const notYet = () => {
  throw problems.unavailable('Call records are not built yet on this deployment.');
};

export const handler = httpHandler([
  implement(listCalls, notYet),
  implement(getCallSummary, notYet),
  implement(getCall, notYet),
]);
