/**
 * Team members: one item per person in the org partition (TEAMMEMBER#<ULID>, so the partition
 * lists them in creation order), on gsi1 by type (sorted by status) and gsi2 by status. Every
 * unique value a person holds (email, linked login, an id per external source) is a claim item in
 * the org partition, taken and freed in the same transaction as the person and its audit entry.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../api/schemas/audit';
import { TeamMember } from '../api/schemas/team-members';
import { type Refusal, refusals } from '../domain/refusal';
import { claimChanges, type TeamClaim, teamMemberRefusals } from '../domain/team-members';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';

function claimKey(orgId: string, claim: TeamClaim) {
  if (claim.kind === 'email') return keys.teamEmailClaim(orgId, claim.value);
  if (claim.kind === 'user') return keys.teamUserClaim(orgId, claim.value);
  return keys.teamExternalClaim(orgId, claim.source, claim.value);
}

function memberPut(member: TeamMember, condition: string, values?: Record<string, unknown>): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...TeamMember.parse(member),
        ...keys.teamMember(member.orgId, member.id),
        ...keys.teamMemberIndexes(member),
        type: 'TEAM_MEMBER',
      },
      ConditionExpression: condition,
      ...(values ? { ExpressionAttributeValues: values } : {}),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** A write's items, each with what its failed condition means. */
type Step = { item: TxItem; refusal: () => Error };

function claimSteps(before: TeamMember | undefined, after: TeamMember | undefined): Step[] {
  const member = (after ?? before)!;
  const { take, free } = claimChanges(before, after);
  return [
    ...take.map((claim) => ({
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...claimKey(member.orgId, claim), type: 'TEAM_CLAIM', teamMemberId: member.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      refusal: () => teamMemberRefusals.taken(claim),
    })),
    ...free.map((claim) => ({
      item: {
        Delete: {
          TableName: tableName(),
          Key: claimKey(member.orgId, claim),
          ConditionExpression: 'teamMemberId = :id',
          ExpressionAttributeValues: { ':id': member.id },
        },
      },
      refusal: () => refusals.changedMeanwhile('team member'),
    })),
  ];
}

/** A newly linked login must be a member of the org. */
function loginCheck(after: TeamMember, before?: TeamMember): Step[] {
  if (!after.userId || after.userId === before?.userId) return [];
  return [
    {
      item: {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.membership(after.orgId, after.userId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      refusal: teamMemberRefusals.noSuchMember,
    },
  ];
}

async function run(first: Step, rest: Step[], audit: AuditEntry): Promise<void> {
  const steps = [first, ...rest];
  const outcome = await transact([...steps.map((s) => s.item), auditPut(audit)]);
  if (outcome.ok) return;
  // A clash on a claim names its field; the person's own condition is reported last.
  const failed = steps.findIndex((s, i) => i > 0 && outcome.failed.includes(i));
  if (failed > 0) throw steps[failed]!.refusal();
  throw first.refusal();
}

export async function getTeamMember(orgId: string, teamMemberId: string): Promise<TeamMember | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.teamMember(orgId, teamMemberId) }),
  );
  return Item ? TeamMember.parse(Item) : undefined;
}

export async function createTeamMember(member: TeamMember, audit: AuditEntry): Promise<void> {
  await run(
    {
      item: memberPut(member, 'attribute_not_exists(pk)'),
      refusal: () => new Error(`team member id ${member.id} collided`),
    },
    [...claimSteps(undefined, member), ...loginCheck(member)],
    audit,
  );
}

/** Replaces `before` with `after` if it is still the version that was read (else `ifChanged`). */
export async function saveTeamMember(
  after: TeamMember,
  before: TeamMember,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  await run(
    {
      item: memberPut(after, 'version = :expected', { ':expected': before.version }),
      refusal: ifChanged,
    },
    [...claimSteps(before, after), ...loginCheck(after, before)],
    audit,
  );
}

export async function deleteTeamMember(
  member: TeamMember,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  await run(
    {
      item: {
        Delete: {
          TableName: tableName(),
          Key: keys.teamMember(member.orgId, member.id),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': member.version },
        },
      },
      refusal: ifChanged,
    },
    claimSteps(member, undefined),
    audit,
  );
}

export interface TeamMemberListOptions {
  memberType?: string | undefined;
  status?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One Query whichever list: by type on gsi1 (a status narrows it by prefix), by status on gsi2, else the org partition. */
export async function listTeamMembers(
  orgId: string,
  options: TeamMemberListOptions,
): Promise<Page<TeamMember>> {
  const { limit, cursor, memberType, status } = options;
  const source = memberType
    ? {
        index: 'gsi1' as const,
        partition: keys.teamMembersOfType(orgId, memberType),
        ...(status ? { sortPrefix: keys.teamMemberStatusPrefix(status) } : {}),
      }
    : status
      ? { index: 'gsi2' as const, partition: keys.teamMembersOfStatus(orgId, status) }
      : { partition: keys.org(orgId).pk, sortPrefix: keys.teamMemberPrefix };
  const page = await queryPage({ ...source, limit, cursor });
  return { ...page, items: page.items.map((item) => TeamMember.parse(item)) };
}
