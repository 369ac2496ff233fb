import * as z from 'zod/mini';

/**
 * A LiveKit webhook as posted: any JSON object here, because its signature (over the raw body) is
 * checked first and LiveKit's event shape is the SDK's to read, not ours to restrict.
 */
export const LivekitWebhookBody = z.record(z.string(), z.unknown());

export const LivekitWebhookReply = z
  .object({
    /** recorded: the event changed a call record; already_recorded: a redelivery; ignored: not an agent's call. */
    outcome: z.enum(['recorded', 'already_recorded', 'ignored']),
  })
  .register(z.globalRegistry, { id: 'LivekitWebhookReply' });
