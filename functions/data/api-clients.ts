/**
 * Org API clients: one item per client in the org partition (what the console lists) and a lookup
 * `APICLIENT#<clientId>` outside every tenant holding the org and role, which is the one item the
 * pipeline reads to authorize a client's call. Both are written and deleted in one transaction with
 * the org's client counter (its condition keeps concurrent creates within the cap) and the audit
 * entry. Neither holds the client secret: Cognito keeps it, the creator saw it once.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type ApiClient, ApiClientRole } from '../api/schemas/api-clients';
import type { AuditEntry } from '../api/schemas/audit';
import { type ApiClientGrant, apiClientLimitRefusal, maxApiClientsPerOrg } from '../domain/api-clients';
import { refusals } from '../domain/refusal';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';

const ApiClientItem = z.object({
  clientId: z.string(),
  orgId: z.string(),
  name: z.string(),
  role: ApiClientRole,
  createdBy: z.object({ userId: z.string(), email: z.string() }),
  createdAt: z.string(),
});

const LookupItem = z.object({
  clientId: z.string(),
  orgId: z.string(),
  name: z.string(),
  role: ApiClientRole,
  // Absent on lookups written before clients were bound to their creator, until the backfill.
  creatorId: z.optional(z.string()),
});

function counter(orgId: string, delta: 1 | -1): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.org(orgId),
      UpdateExpression: 'SET apiClientCount = if_not_exists(apiClientCount, :zero) + :delta',
      ConditionExpression:
        delta > 0
          ? 'attribute_exists(pk) AND (attribute_not_exists(apiClientCount) OR apiClientCount < :max)'
          : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':zero': 0,
        ':delta': delta,
        ...(delta > 0 ? { ':max': maxApiClientsPerOrg } : {}),
      },
    },
  };
}

export async function createApiClient(client: ApiClient, audit: AuditEntry): Promise<void> {
  const { createdBy, createdAt: _, ...granted } = ApiClientItem.parse(client);
  const grant: ApiClientGrant = { ...granted, creatorId: createdBy.userId };
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...ApiClientItem.parse(client),
          ...keys.apiClient(client.orgId, client.clientId),
          type: 'API_CLIENT',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...LookupItem.parse(grant),
          ...keys.apiClientLookup(client.clientId),
          type: 'API_CLIENT_REF',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    counter(client.orgId, 1),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  throw outcome.failed.includes(2)
    ? apiClientLimitRefusal()
    : new Error(`client id ${client.clientId} collided`);
}

export async function getApiClient(orgId: string, clientId: string): Promise<ApiClient | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.apiClient(orgId, clientId) }),
  );
  return Item && ApiClientItem.parse(Item);
}

/** The pipeline's first read for a client's call: which org and role its token acts as, and for whom. */
export async function findApiClientGrant(clientId: string): Promise<ApiClientGrant | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.apiClientLookup(clientId) }),
  );
  return Item && LookupItem.parse(Item);
}

/**
 * For infra/scripts/backfill-client-creators.ts: a lookup written before clients were bound to
 * their creator gets the creator's id (from the client's org item); the pipeline refuses a client
 * whose lookup has none. A lookup deleted meanwhile stays deleted.
 */
export async function restoreClientCreator(clientId: string, creatorId: string): Promise<'written' | 'gone'> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.apiClientLookup(clientId),
        UpdateExpression: 'SET creatorId = :creator',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':creator': creatorId },
      }),
    );
    return 'written';
  } catch (error) {
    if (isConditionFailure(error)) return 'gone';
    throw error;
  }
}

export async function listApiClients(
  orgId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ApiClient>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.apiClientPrefix,
    limit,
    cursor,
  });
  return { ...page, items: page.items.map((item) => ApiClientItem.parse(item)) };
}

export async function deleteApiClient(client: ApiClient, audit: AuditEntry): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.apiClient(client.orgId, client.clientId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Delete: { TableName: tableName(), Key: keys.apiClientLookup(client.clientId) } },
    counter(client.orgId, -1),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw refusals.notFound();
}
