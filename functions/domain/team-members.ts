/**
 * Team member rules (issue 25): a new person, a change, and which uniqueness claims a change takes
 * and frees. The claims themselves are items the store writes in the same transaction.
 */
import { ulid } from 'ulid';
import type { CreateTeamMemberBody, TeamMember, UpdateTeamMemberBody } from '../api/schemas/team-members';
import { type Refusal, refuse } from './refusal';

export function newTeamMember(orgId: string, body: CreateTeamMemberBody, now: Date): TeamMember {
  const at = now.toISOString();
  return {
    id: `tmb_${ulid(now.getTime())}`,
    orgId,
    fullName: body.fullName,
    email: body.email ?? null,
    phone: body.phone ?? null,
    memberType: body.memberType,
    status: body.status,
    externalIds: body.externalIds,
    userId: body.userId ?? null,
    commissionPlanId: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** The member with the fields the body gives replaced; the same member when nothing changes. */
export function applyTeamMemberChange(member: TeamMember, body: UpdateTeamMemberBody, now: Date): TeamMember {
  const next: TeamMember = {
    ...member,
    ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
  };
  if (JSON.stringify(next) === JSON.stringify(member)) return member;
  return { ...next, updatedAt: now.toISOString(), version: member.version + 1 };
}

/** One unique value a member holds in its org, and the field a clash is reported on. */
export type TeamClaim =
  | { kind: 'email'; value: string; field: 'email' }
  | { kind: 'user'; value: string; field: 'userId' }
  | { kind: 'external'; source: string; value: string; field: 'externalIds' };

export function claimsOf(member: TeamMember | undefined): TeamClaim[] {
  if (!member) return [];
  return [
    ...(member.email ? [{ kind: 'email' as const, value: member.email, field: 'email' as const }] : []),
    ...(member.userId ? [{ kind: 'user' as const, value: member.userId, field: 'userId' as const }] : []),
    ...member.externalIds.map((e) => ({
      kind: 'external' as const,
      source: e.source,
      value: e.id,
      field: 'externalIds' as const,
    })),
  ];
}

const claimKey = (c: TeamClaim) =>
  c.kind === 'external' ? `${c.kind}#${c.source}#${c.value}` : `${c.kind}#${c.value}`;

/** The claims a change takes (new values) and frees (values no longer held); unchanged ones stay put. */
export function claimChanges(before: TeamMember | undefined, after: TeamMember | undefined) {
  const had = new Map(claimsOf(before).map((c) => [claimKey(c), c]));
  const has = new Map(claimsOf(after).map((c) => [claimKey(c), c]));
  return {
    take: [...has].filter(([k]) => !had.has(k)).map(([, c]) => c),
    free: [...had].filter(([k]) => !has.has(k)).map(([, c]) => c),
  };
}

export const teamMemberRefusals = {
  taken: (claim: TeamClaim): Refusal =>
    refuse(
      'conflict',
      claim.kind === 'email'
        ? 'Another person of this organization has this email address.'
        : claim.kind === 'user'
          ? 'This login is already linked to another person of this organization.'
          : `Another person of this organization has the ${claim.source} id ${claim.value}.`,
      claim.field,
    ),
  noSuchMember: () => refuse('not_found', 'No member of this organization has this user id.', 'userId'),
};
