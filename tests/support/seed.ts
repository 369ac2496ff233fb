/** Writes orgs and memberships straight into the table, for tests that are not about tenancy. */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { OrgRole } from '../../functions/api/permissions';
import { keys } from '../../functions/data/keys';
import { membershipPut } from '../../functions/data/memberships';
import { newMembership } from '../../functions/domain/memberships';
import { devSubject } from '../../infra/local/dev-identity';
import { call } from './api';
import { tableName, testDb } from './env';

export async function seedOrg(members: Record<string, OrgRole>, name = 'Seeded org') {
  const orgId = `org_${ulid()}`;
  const now = new Date();
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
    const user = { id: devSubject(email), email: email.toLowerCase() };
    const member = newMembership(orgId, user, role, [], now);
    await testDb.send(new TransactWriteCommand({ TransactItems: [membershipPut(member)] }));
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
