/**
 * Members are listed as people (issue 23 item 3): each with the name and picture of their profile,
 * read when the list is asked for (a renamed profile shows at once).
 */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { addMember, createOrg } from '../support/tenancy';

describe('GET /orgs/{orgId}/members names people', () => {
  it("gives each member their profile's name and picture", async () => {
    const owner = 'owner@members-people.test';
    const org = await createOrg(owner);
    const bea = await addMember(org.id, owner, 'bea@members-people.test');
    expect((await call('PATCH', '/me', { as: owner, body: { name: 'Olga Ortiz' } })).status).toBe(200);

    const list = await call('GET', `/orgs/${org.id}/members?limit=10`, { as: owner });
    expect(list.status).toBe(200);
    const byEmail = new Map(list.body.items.map((m: { email: string }) => [m.email, m]));
    expect(byEmail.get(owner)).toMatchObject({ name: 'Olga Ortiz', picture: null });
    // The test identity gives a profile the email's local part as its first name.
    expect(byEmail.get('bea@members-people.test')).toMatchObject({ userId: bea.userId, name: 'bea' });

    // A rename shows in the next list: the name is the profile's, not a copy on the membership.
    await call('PATCH', '/me', { as: 'bea@members-people.test', body: { name: 'Bea López' } });
    const again = await call('GET', `/orgs/${org.id}/members?limit=10`, { as: owner });
    expect(again.body.items.find((m: { email: string }) => m.email === 'bea@members-people.test').name).toBe(
      'Bea López',
    );
  });
});
