/** Phone number rules: a new number, (un)assigning it, and which agents may answer it. */
import { ulid } from 'ulid';
import type { AuditEntry } from '../api/schemas/audit';
import type { PhoneNumber } from '../api/schemas/phone-numbers';
import { type Refusal, refuse } from './refusal';

export function newPhoneNumber(orgId: string, e164: string, now: Date): PhoneNumber {
  const at = now.toISOString();
  return { e164, orgId, agentId: null, createdAt: at, updatedAt: at, version: 1 };
}

export function assignPhoneNumber<N extends PhoneNumber>(number: N, agentId: string | null, now: Date): N {
  return { ...number, agentId, updatedAt: now.toISOString(), version: number.version + 1 };
}

export function phoneNumberLimitRefusal(maxPhoneNumbers: number): Refusal {
  return refuse(
    'refused',
    `The organization’s plan allows ${maxPhoneNumbers} phone ${maxPhoneNumbers === 1 ? 'number' : 'numbers'}; release one or ask for a larger plan.`,
  );
}

export const phoneNumberRefusals = {
  inThisOrg: () => refuse('conflict', 'This organization already has this number.', 'e164'),
  inAnotherOrg: () => refuse('conflict', 'This number belongs to another organization.', 'e164'),
  /**
   * A number answers for the org that holds it, so only the org's own agents may take it: a
   * shared-in agent would have another org answering this org's calls.
   */
  noSuchAgent: () =>
    refuse(
      'not_found',
      'No agent of this organization has this id (agents shared in from another organization cannot take its numbers).',
      'agentId',
    ),
};

/** The audit entry of a number freed because its agent was deleted: same actor and request as the deletion. */
export function unassignedByAgentDeletion(cause: AuditEntry, e164: string, agentId: string): AuditEntry {
  return {
    ...cause,
    id: `aud_${ulid(Date.parse(cause.at))}`,
    action: 'phone_number.unassigned',
    target: { type: 'phone_number', id: e164 },
    before: { agentId },
    after: { agentId: null },
  };
}
