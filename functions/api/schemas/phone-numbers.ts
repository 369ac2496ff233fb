import * as z from 'zod/mini';
import { AgentId, IsoDateTime, ListQuery } from './common';
import { OrgId } from './orgs';

const e164Message = 'must be an E.164 number: + then 8 to 15 digits, the first not 0 (+14155550123)';

/** E.164: a plus, then 8 to 15 digits of which the first (the country code's) is not 0. */
export const E164 = z.string().check(z.regex(/^\+[1-9]\d{7,14}$/, e164Message));

/**
 * The number in a path, where a client URL-encodes its `+` as %2B. API Gateway hands path
 * parameters on as sent while the local gateway decodes them, so both spellings are accepted here
 * and the handler always sees `+`.
 */
const E164InPath = z.pipe(
  z.string().check(z.regex(/^(?:\+|%2[Bb])[1-9]\d{7,14}$/, e164Message)),
  z.transform((value) => value.replace(/^%2[Bb]/, '+')),
);

export const PhoneNumberParams = z.strictObject({ orgId: OrgId, e164: E164InPath });

export const CreatePhoneNumberBody = z.strictObject({ e164: E164 });

/** Assigns the number to one of the org's own agents, or unassigns it with null. */
export const UpdatePhoneNumberBody = z.strictObject({ agentId: z.nullable(AgentId) });

export const PhoneNumberListQuery = z.extend(ListQuery, {
  /** Only the numbers assigned to this agent (the agent's page lists its numbers). */
  agentId: z.optional(AgentId),
});

export const PhoneNumber = z
  .object({
    e164: z.string(),
    orgId: z.string(),
    /** The agent answering calls to it, or null while unassigned. */
    agentId: z.nullable(z.string()),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'PhoneNumber' });
export type PhoneNumber = z.infer<typeof PhoneNumber>;
