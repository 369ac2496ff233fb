import { getHealth } from '../api/routes/profile';
import { probeTable } from '../data/health';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';

export const handler = httpHandler([
  // Liveness stays free; readiness (deep) reads the table, whose failure the pipeline answers as 503.
  implement(getHealth, async ({ query, now }) => {
    if (query.deep) await probeTable();
    return {
      body: {
        status: 'ok' as const,
        stage: config().stage,
        time: now.toISOString(),
        ...(query.deep ? { checks: { dynamodb: 'ok' as const } } : {}),
      },
    };
  }),
]);
