/** Writes orgs and memberships straight into the table, for tests that are not about tenancy. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { OrgRole } from '../../functions/api/permissions';
import { keys } from '../../functions/data/keys';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from './api';
import { tableName, testDb } from './env';

export async function seedOrg(members: Record<string, OrgRole>, name = 'Seeded org') {
  const orgId = `org_${ulid()}`;
  const at = new Date().toISOString();
  const entries = Object.entries(members);
  await testDb.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.org(orgId),
        type: 'ORG',
        id: orgId,
        name,
        status: 'active',
        memberCount: entries.length,
        version: 1,
      },
    }),
  );
  for (const [email, role] of entries) {
    const userId = devSubject(email);
    await testDb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.membership(orgId, userId),
          ...keys.membershipUserIndex(userId, orgId),
          type: 'MEMBERSHIP',
          orgId,
          userId,
          email: email.toLowerCase(),
          role,
          additionalRoles: [],
          joinedAt: at,
          updatedAt: at,
          version: 1,
        },
      }),
    );
  }
  return orgId;
}

/** Creates the user's profile (as their first call would) with a time zone. */
export async function seedProfile(email: string, timezone = 'UTC') {
  await call('GET', '/me', { as: email });
  if (timezone !== 'UTC') {
    const res = await call('PATCH', '/me', { as: email, body: { timezone } });
    if (res.status !== 200) throw new Error(`could not set the time zone: ${JSON.stringify(res.body)}`);
  }
  return devSubject(email);
}
