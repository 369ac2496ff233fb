import { listAudit } from '../api/routes/tenancy';
import * as audit from '../data/audit';
import { httpHandler, implement } from './pipeline/handler';

export const handler = httpHandler([
  implement(listAudit, async ({ params, query: { limit, cursor, ...filters } }) => ({
    body: await audit.listAudit(params.orgId, filters, limit, cursor),
  })),
]);
