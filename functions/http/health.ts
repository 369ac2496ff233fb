import { getHealth } from '../api/routes/profile';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';

export const handler = httpHandler([
  implement(getHealth, async ({ now }) => ({
    body: { status: 'ok' as const, stage: config().stage, time: now.toISOString() },
  })),
]);
