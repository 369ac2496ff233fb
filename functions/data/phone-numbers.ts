/**
 * Phone numbers: one item per number in the org partition, and a claim item outside every tenant
 * (`PHONE#<e164>`) written in the same transaction, whose condition is what keeps a number in one
 * org platform-wide. The org item counts its numbers; that counter's condition keeps concurrent
 * adds within the plan's maxPhoneNumbers. The item keeps the id of the LiveKit SIP dispatch rule
 * routing the number's calls (not part of the API's view).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { deleteDispatchRule, routeNumber } from '../adapters/livekit';
import type { AuditEntry } from '../api/schemas/audit';
import type { PhoneNumber } from '../api/schemas/phone-numbers';
import {
  assignPhoneNumber,
  phoneNumberLimitRefusal,
  phoneNumberRefusals,
  unassignedByAgentDeletion,
} from '../domain/phone-numbers';
import { type Refusal, refusals } from '../domain/refusal';
import { logger } from '../lib/logger';
import { forEachConcurrently } from '../lib/pool';
import { isOwnAgent, ownAgentCheck } from './agent-use';
import { auditPut } from './audit';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryEveryPage, queryPage } from './page';
import { type TxItem, transact } from './transact';

/** The number item as stored. */
const PhoneNumberItem = z.object({
  e164: z.string(),
  orgId: z.string(),
  agentId: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
  /** The dispatch rule sending the number's calls to its agent; null without one (or without a trunk). */
  sipDispatchRuleId: z._default(z.nullable(z.string()), null),
});
/** A number as stored: the API's view plus its dispatch rule (the response schema drops the rule). */
export type StoredPhoneNumber = z.infer<typeof PhoneNumberItem>;

/** The one place a stored number is read back. */
function phoneNumberOf(item: Record<string, unknown>): StoredPhoneNumber {
  return PhoneNumberItem.parse(item);
}

function numberPut(
  number: z.input<typeof PhoneNumberItem>,
  condition: string,
  values: Record<string, unknown> = {},
): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...PhoneNumberItem.parse(number),
        ...keys.phoneNumber(number.orgId, number.e164),
        type: 'PHONE_NUMBER',
      },
      ConditionExpression: condition,
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    },
  };
}

function numberCounter(orgId: string, delta: 1 | -1, maxPhoneNumbers?: number): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.org(orgId),
      UpdateExpression: 'SET phoneNumberCount = if_not_exists(phoneNumberCount, :zero) + :delta',
      ConditionExpression:
        delta > 0
          ? 'attribute_exists(pk) AND (attribute_not_exists(phoneNumberCount) OR phoneNumberCount < :max)'
          : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':zero': 0,
        ':delta': delta,
        ...(delta > 0 ? { ':max': maxPhoneNumbers } : {}),
      },
    },
  };
}

export async function getPhoneNumber(orgId: string, e164: string): Promise<StoredPhoneNumber | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.phoneNumber(orgId, e164) }),
  );
  return Item ? phoneNumberOf(Item) : undefined;
}

/**
 * The number and, when it is to be assigned to `agentId`, whether that agent may take it (the
 * org's own, not deleted), in one read: the assignment routes LiveKit before it writes, and must
 * not send a number's calls to an agent it would then refuse.
 */
export async function getPhoneNumberFor(
  orgId: string,
  e164: string,
  agentId: string | null,
): Promise<{ number: StoredPhoneNumber | undefined; agentMayTake: boolean }> {
  const numberKey = keys.phoneNumber(orgId, e164);
  const agentKey = agentId ? keys.agent(orgId, agentId) : undefined;
  const items = await batchGet(agentKey ? [numberKey, agentKey] : [numberKey]);
  const itemAt = (key: { sk: string }) => items.find((item) => item.sk === key.sk);
  const number = itemAt(numberKey);
  return {
    number: number ? phoneNumberOf(number) : undefined,
    agentMayTake: agentKey ? isOwnAgent(itemAt(agentKey)) : true,
  };
}

/** The number, its platform-wide claim, its place under the plan's limit and the audit entry, all or nothing. */
export async function createPhoneNumber(
  number: PhoneNumber,
  maxPhoneNumbers: number,
  audit: AuditEntry,
): Promise<void> {
  const outcome = await transact([
    numberPut(number, 'attribute_not_exists(pk)'),
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.phoneClaim(number.e164),
          type: 'PHONE_CLAIM',
          e164: number.e164,
          orgId: number.orgId,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    numberCounter(number.orgId, 1, maxPhoneNumbers),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  if (outcome.failed.includes(0)) throw phoneNumberRefusals.inThisOrg();
  if (outcome.failed.includes(1)) throw phoneNumberRefusals.inAnotherOrg();
  throw phoneNumberLimitRefusal(maxPhoneNumbers);
}

/**
 * Replaces the number if it is still the version that was read. An agent it is assigned to must be
 * the org's own (not a shared-in one, whose item here is AGENT_SHARED) and not deleted, checked in
 * the transaction: no read before it, and no number can point at an agent deleted meanwhile.
 */
export async function savePhoneNumber(
  number: StoredPhoneNumber,
  expectedVersion: number,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const outcome = await transact([
    numberPut(number, 'version = :expected', { ':expected': expectedVersion }),
    ...(number.agentId ? [ownAgentCheck(number.orgId, number.agentId)] : []),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  throw outcome.failed.includes(0) ? ifChanged() : phoneNumberRefusals.noSuchAgent();
}

/** Removes the number and its claim, freeing it for any org, and its place under the limit. */
export async function deletePhoneNumber(number: PhoneNumber, audit: AuditEntry): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.phoneNumber(number.orgId, number.e164),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    {
      Delete: {
        TableName: tableName(),
        Key: keys.phoneClaim(number.e164),
        ConditionExpression: 'orgId = :orgId',
        ExpressionAttributeValues: { ':orgId': number.orgId },
      },
    },
    numberCounter(number.orgId, -1),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw refusals.notFound();
}

export async function listPhoneNumbers(
  orgId: string,
  options: { agentId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<StoredPhoneNumber>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.phoneNumberPrefix,
    limit: options.limit,
    cursor: options.cursor,
    ...(options.agentId
      ? { filter: { expression: 'agentId = :agentId', values: { ':agentId': options.agentId } } }
      : {}),
  });
  return { ...page, items: page.items.map(phoneNumberOf) };
}

/**
 * Unassigns every number of a deleted agent, each with its own audit entry (an org may hold more
 * numbers than one transaction takes). Read consistently after the agent was marked deleted: an
 * assignment that committed before is found here, and one after it fails its agent check.
 * Each number's dispatch rule is deleted first; if LiveKit fails, the number is unassigned anyway
 * (the agent is gone) and keeps the rule's id, so its next assignment or release deletes it.
 */
export async function unassignAgentNumbers(orgId: string, agentId: string, cause: AuditEntry): Promise<void> {
  const assigned: StoredPhoneNumber[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'agentId = :agentId',
      ExpressionAttributeValues: {
        ':pk': keys.org(orgId).pk,
        ':prefix': keys.phoneNumberPrefix,
        ':agentId': agentId,
      },
      ConsistentRead: true,
    },
    (page) => assigned.push(...(page.Items ?? []).map(phoneNumberOf)),
  );
  for (const number of assigned) {
    const sipDispatchRuleId = await releasedRule(number);
    // A number reassigned or released meanwhile fails the condition: it no longer points at the agent.
    await transact([
      numberPut(
        { ...assignPhoneNumber(number, null, new Date(cause.at)), sipDispatchRuleId },
        'agentId = :agentId',
        { ':agentId': agentId },
      ),
      auditPut(unassignedByAgentDeletion(cause, number.e164, agentId)),
    ]);
  }
}

/** Null once the number's rule is gone; the rule's id while LiveKit could not delete it. */
async function releasedRule(number: StoredPhoneNumber): Promise<string | null> {
  if (!number.sipDispatchRuleId) return null;
  try {
    await deleteDispatchRule(number.sipDispatchRuleId);
    return null;
  } catch (error) {
    logger.warn('dispatch rule of a deleted agent’s number not deleted', {
      orgId: number.orgId,
      e164: number.e164,
      sipDispatchRuleId: number.sipDispatchRuleId,
      error,
    });
    return number.sipDispatchRuleId;
  }
}

/** LiveKit calls in flight at once when a status change routes every number of an org. */
const routingConcurrency = 4;

/** What a suspension or reactivation did at LiveKit, and how to put it back if its status write is refused. */
export interface OrgRouting {
  undo(): Promise<void>;
}

/** Every number of the org with a dispatch rule or an agent, read consistently. */
async function routedNumbers(orgId: string): Promise<StoredPhoneNumber[]> {
  const found: StoredPhoneNumber[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.org(orgId).pk, ':prefix': keys.phoneNumberPrefix },
      ConsistentRead: true,
    },
    (page) => found.push(...(page.Items ?? []).map(phoneNumberOf)),
  );
  return found.filter((number) => number.sipDispatchRuleId || number.agentId);
}

/**
 * Runs `step` for each number, a few at a time, stopping at the first failure: then what the steps
 * before it did is put back (`putBack`, failures logged) and the failure thrown. Returns what the
 * steps did.
 */
async function allOrNone<T>(
  numbers: readonly StoredPhoneNumber[],
  step: (number: StoredPhoneNumber) => Promise<T>,
  putBack: (done: readonly T[]) => Promise<void>,
): Promise<T[]> {
  const done: T[] = [];
  let failure: unknown;
  await forEachConcurrently(numbers, routingConcurrency, async (number) => {
    if (failure) return;
    try {
      done.push(await step(number));
    } catch (error) {
      failure ??= error;
    }
  });
  if (failure === undefined) return done;
  await putBack(done);
  throw failure;
}

/** Stores the number's dispatch rule made again, if the number is still the version read. */
async function storeRule(number: StoredPhoneNumber, ruleId: string | null): Promise<void> {
  if (ruleId === number.sipDispatchRuleId) return;
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.phoneNumber(number.orgId, number.e164),
        UpdateExpression: 'SET sipDispatchRuleId = :rule',
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':rule': ruleId, ':version': number.version },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException')
      throw refusals.changedMeanwhile('phone number');
    throw error;
  }
}

/**
 * Routes the number's calls to its agent again and stores the rule's id (null without a trunk). A
 * rule whose id cannot be stored is deleted: no rule routes calls the table does not explain.
 */
async function reroute(number: StoredPhoneNumber & { agentId: string }): Promise<string | null> {
  const ruleId = await routeNumber({
    orgId: number.orgId,
    agentId: number.agentId,
    e164: number.e164,
    ruleId: number.sipDispatchRuleId,
  });
  try {
    await storeRule(number, ruleId);
  } catch (error) {
    await deleteRules(number.orgId, [ruleId]);
    throw error;
  }
  return ruleId;
}

/** Deletes rules made for a change that is being put back; a failure is logged, the rule left. */
async function deleteRules(orgId: string, ruleIds: readonly (string | null)[]): Promise<void> {
  await forEachConcurrently(ruleIds, routingConcurrency, async (ruleId) => {
    if (!ruleId) return;
    await deleteDispatchRule(ruleId).catch((error: unknown) =>
      logger.warn('dispatch rule not deleted while putting routing back', { orgId, ruleId, error }),
    );
  });
}

/** Makes again the rules of the assigned numbers among `numbers`; a failure is logged. */
async function rerouteAll(numbers: readonly StoredPhoneNumber[]): Promise<void> {
  await forEachConcurrently(numbers, routingConcurrency, async (number) => {
    if (!number.agentId) return;
    await reroute({ ...number, agentId: number.agentId }).catch((error: unknown) =>
      logger.warn('dispatch rule not made again while putting routing back', {
        orgId: number.orgId,
        e164: number.e164,
        error,
      }),
    );
  });
}

/**
 * Suspension, before its status is written: deletes the dispatch rule of every number of the org,
 * so none takes a call. The numbers keep the ids, naming rules LiveKit no longer has: nothing of a
 * suspended org changes (its routes are refused), and reactivation makes the rules again. If
 * LiveKit fails part-way, the rules deleted so far are made again and the failure (a 502) thrown.
 */
export async function stopOrgCalls(orgId: string): Promise<OrgRouting> {
  const routed = (await routedNumbers(orgId)).filter((number) => number.sipDispatchRuleId);
  const stopped = await allOrNone(
    routed,
    async (number) => {
      await deleteDispatchRule(number.sipDispatchRuleId!);
      return number;
    },
    rerouteAll,
  );
  return { undo: () => rerouteAll(stopped) };
}

/**
 * Reactivation, before its status is written: makes the rule of every assigned number again (one
 * LiveKit still has is replaced in place) and stores its id. If LiveKit refuses one, the rules made
 * so far are deleted and the failure (a 502) thrown; undoing after a refused status write does the same.
 */
export async function resumeOrgCalls(orgId: string): Promise<OrgRouting> {
  const assigned = (await routedNumbers(orgId)).filter((number) => number.agentId);
  const made = await allOrNone(
    assigned,
    (number) => reroute({ ...number, agentId: number.agentId! }),
    (ruleIds) => deleteRules(orgId, ruleIds),
  );
  return { undo: () => deleteRules(orgId, made) };
}
