/** A request does a few DynamoDB round trips, not one per item: counted on the real client. */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { roundTrips } from '../support/round-trips';
import { addMember, createOrg, tokenOf } from '../support/tenancy';

describe('DynamoDB round trips per request', () => {
  it('accept: caller, token, invite, then one transaction', async () => {
    const org = await createOrg('owner@trips.test');
    const sent = await call('POST', `/orgs/${org.id}/invites`, {
      as: 'owner@trips.test',
      body: { email: 'trips@example.com' },
    });
    await call('GET', '/me', { as: 'trips@example.com' });
    const { result, commands } = await roundTrips(() =>
      call('POST', '/invites/accept', { as: 'trips@example.com', body: { token: tokenOf(sent.body) } }),
    );
    expect(result.status).toBe(200);
    expect(commands).toEqual([
      'GetItemCommand',
      'GetItemCommand',
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
  });

  it('member list: caller, membership and org status together in one BatchGet, then one Query and one BatchGet of their profiles however many members', async () => {
    const org = await createOrg('owner@trips2.test', { plan: 'starter' });
    for (const n of [1, 2, 3]) await addMember(org.id, 'owner@trips2.test', `m${n}@trips2.test`);
    const { result, commands } = await roundTrips(() =>
      call('GET', `/orgs/${org.id}/members`, { as: 'owner@trips2.test' }),
    );
    expect(result.body.items).toHaveLength(4);
    // The profiles' names and pictures: one BatchGet for the page, not one read per member.
    expect(commands.sort()).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
  });

  it('my orgs: one Query and one BatchGet for the orgs', async () => {
    for (const n of [1, 2, 3]) await createOrg('many@trips3.test', { name: `Org ${n}` });
    const { result, commands } = await roundTrips(() => call('GET', '/me/orgs', { as: 'many@trips3.test' }));
    expect(result.body.items).toHaveLength(3);
    expect(commands.sort()).toEqual(['BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);
  });
});
