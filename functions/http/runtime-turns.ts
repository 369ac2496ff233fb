/** The voice worker's turns through the platform pipeline (README "Voice worker turns and tools"). */
import { sendRuntimeTurn } from '../api/routes/runtime-turns';
import { Problem } from '../lib/problem';
import { httpHandler, implement } from './pipeline/handler';

export const handler = httpHandler([
  implement(sendRuntimeTurn, async () => {
    throw new Problem(501, 'Not Implemented', 'The voice worker’s turns are being built.');
  }),
]);
