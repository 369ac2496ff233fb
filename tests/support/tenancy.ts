/** Builds tenants through the real API: an org with its owner, and members added by invite. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { Plan } from '../../functions/api/plans';
import { keys } from '../../functions/data/keys';
import { setEntitlements } from '../../infra/scripts/set-entitlements';
import { call } from './api';
import { tableName, testDb } from './env';

/** A `plan` is granted afterwards through the platform operator's path, as no API body carries one. */
export async function createOrg(owner: string, body: Record<string, unknown> & { plan?: Plan } = {}) {
  const { plan, ...settings } = body;
  const res = await call('POST', '/orgs', { as: owner, body: { name: `Org of ${owner}`, ...settings } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const org = plan
    ? await setEntitlements({ orgId: res.body.id, plan, operator: 'ops@example.com' })
    : res.body;
  return org as { id: string; name: string; version: number; [k: string]: unknown };
}

/** Invites `email` with `role` as `inviter` and accepts; returns the accepted membership. */
export async function addMember(orgId: string, inviter: string, email: string, role = 'member') {
  const invite = await call('POST', `/orgs/${orgId}/invites`, { as: inviter, body: { email, role } });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  const accepted = await call('POST', '/invites/accept', {
    as: email,
    body: { token: tokenOf(invite.body) },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return accepted.body as { userId: string; version: number; role: string; [k: string]: unknown };
}

export function tokenOf(invite: { acceptUrl: string }): string {
  return new URL(invite.acceptUrl).searchParams.get('token')!;
}

/** Every item of a partition, read straight from the table. */
export async function partition(pk: string) {
  const { Items } = await testDb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items ?? [];
}

/** The org partition and its audit trail: a refused request must leave both as they were. */
export async function tenantSnapshot(orgId: string) {
  return { items: await partition(keys.org(orgId).pk), audit: await partition(keys.auditPk(orgId)) };
}
