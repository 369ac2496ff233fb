import * as z from 'zod';
import { IsoDateTime } from './common';

const Summary = z.record(z.string(), z.unknown()).nullable();

export const AuditEntry = z
  .object({
    id: z.string(),
    orgId: z.string(),
    at: IsoDateTime,
    actor: z.object({ userId: z.string(), email: z.string() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    requestId: z.string(),
    before: Summary,
    after: Summary,
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;
