import { describe, expect, it } from 'vitest';
import { childPartitions, isTenantPartition, keys } from '../../functions/data/keys';

const org = 'org_01J0000000000000000000000A';

describe('single-table keys', () => {
  it('put every tenant-owned item in a partition of its org, and nothing of another org', () => {
    const tenantKeys = [
      keys.org(org),
      keys.membership(org, 'usr_1'),
      keys.invite(org, 'inv_1'),
      keys.pendingInviteClaim(org, 'a@example.com'),
      keys.audit(org, '2030-01-01T00:00:00.000Z', 'aud_1'),
      keys.calendarConnection(org, 'usr_1'),
      keys.calendarEvent(org, 'usr_1', '2030-01-01T00:00:00.000Z', 'g1'),
      keys.calendarEventById(org, 'usr_1', 'g1'),
      keys.orgRateBucket(org, 'invites', '2030-01-01T00:00:00.000Z'),
    ];
    for (const { pk } of tenantKeys) {
      expect(isTenantPartition(pk, org), pk).toBe(true);
      expect(isTenantPartition(pk, `${org}X`), pk).toBe(false);
    }
    for (const { pk } of [keys.user('usr_1'), keys.inviteToken('h'), keys.oauthState('n')]) {
      expect(isTenantPartition(pk, org), pk).toBe(false);
    }
  });

  it('derive the partitions hanging off org items from their declared labels', () => {
    expect(childPartitions(org, keys.org(org).sk)).toEqual([keys.auditPk(org), keys.callRatePk(org)]);
    expect(childPartitions(org, keys.membership(org, 'usr_1').sk)).toEqual([keys.calendarPk(org, 'usr_1')]);
    expect(childPartitions(org, keys.calendarConnection(org, 'usr_1').sk)).toEqual([
      keys.calendarPk(org, 'usr_1'),
    ]);
    expect(childPartitions(org, keys.invite(org, 'inv_1').sk)).toEqual([]);
    expect(childPartitions(org, keys.orgRateBucket(org, 'invites', 'w').sk)).toEqual([]);
  });
});
