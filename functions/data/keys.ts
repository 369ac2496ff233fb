/**
 * Every key string of the single table, in one place. Reading this file shows the whole table:
 *
 * | item                    | pk                        | sk                       | index keys                          |
 * |-------------------------|---------------------------|--------------------------|-------------------------------------|
 * | user profile            | USER#<userId>             | PROFILE                  | gsi1: EMAIL#<email> / USER          |
 * | organization            | ORG#<orgId>               | ORG                      |                                     |
 * | membership              | ORG#<orgId>               | MEMBER#<userId>          | gsi1: USER#<userId> / ORG#<orgId>   |
 * | invite                  | ORG#<orgId>               | INVITE#<inviteId>        | gsi1: INVITEE#<email> / ORG#<orgId>#<inviteId> |
 * | invite token lookup     | INVITETOKEN#<sha256>      | INVITETOKEN              |                                     |
 * | pending-invite claim    | ORG#<orgId>               | INVITEE#<email>          |                                     |
 * | audit entry             | ORG#<orgId>#AUDIT         | <isoTime>#<auditId>      |                                     |
 * | calendar connection     | ORG#<orgId>               | CALENDAR#<userId>        | gsi2: SYNCDUE#<shard> / <nextSyncAt>#<orgId>#<userId> |
 * | calendar event          | ORG#<orgId>#CAL#<userId>  | EVENT#<startUtc>#<googleId> |                                  |
 * | calendar event by id    | ORG#<orgId>#CAL#<userId>  | GEVENT#<googleId>        |                                     |
 * | OAuth state (one use)   | OAUTHSTATE#<nonce>        | OAUTHSTATE               |                                     |
 * | rate bucket (org)       | ORG#<orgId>               | RATE#<action>#<windowStart> |                                  |
 * | rate bucket (user)      | USER#<userId>             | RATE#<action>#<windowStart> |                                  |
 *
 * Tenant-owned items all start their pk with ORG#<orgId>, which is what the tenant-isolation
 * test and the signed cursors check.
 */

export const keys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  userEmailIndex: (email: string) => ({ gsi1pk: `EMAIL#${email.toLowerCase()}`, gsi1sk: 'USER' }),

  org: (orgId: string) => ({ pk: orgPk(orgId), sk: 'ORG' }),
  membership: (orgId: string, userId: string) => ({ pk: orgPk(orgId), sk: `MEMBER#${userId}` }),
  membershipPrefix: 'MEMBER#',
  membershipUserIndex: (userId: string, orgId: string) => ({
    gsi1pk: `USER#${userId}`,
    gsi1sk: orgPk(orgId),
  }),
  /** gsi1 partition and sort-key prefix listing a user's memberships. */
  membershipsOfUser: (userId: string) => ({ gsi1pk: `USER#${userId}`, prefix: 'ORG#' }),

  invite: (orgId: string, inviteId: string) => ({ pk: orgPk(orgId), sk: `INVITE#${inviteId}` }),
  invitePrefix: 'INVITE#',
  inviteeIndex: (email: string, orgId: string, inviteId: string) => ({
    gsi1pk: `INVITEE#${email.toLowerCase()}`,
    gsi1sk: `${orgPk(orgId)}#${inviteId}`,
  }),
  /** gsi1 partition listing the invites addressed to an email, across orgs. */
  invitesOfEmail: (email: string) => `INVITEE#${email.toLowerCase()}`,
  inviteToken: (tokenHash: string) => ({ pk: `INVITETOKEN#${tokenHash}`, sk: 'INVITETOKEN' }),
  pendingInviteClaim: (orgId: string, email: string) => ({
    pk: orgPk(orgId),
    sk: `INVITEE#${email.toLowerCase()}`,
  }),

  auditPk: (orgId: string) => `${orgPk(orgId)}#AUDIT`,
  audit: (orgId: string, at: string, auditId: string) => ({
    pk: `${orgPk(orgId)}#AUDIT`,
    sk: `${at}#${auditId}`,
  }),

  calendarConnection: (orgId: string, userId: string) => ({ pk: orgPk(orgId), sk: `CALENDAR#${userId}` }),
  syncDuePk: (shard: number) => `SYNCDUE#${shard}`,
  syncDueIndex: (shard: number, nextSyncAt: string, orgId: string, userId: string) => ({
    gsi2pk: `SYNCDUE#${shard}`,
    gsi2sk: `${nextSyncAt}#${orgId}#${userId}`,
  }),
  calendarPk: (orgId: string, userId: string) => `${orgPk(orgId)}#CAL#${userId}`,
  calendarEvent: (orgId: string, userId: string, startUtc: string, googleId: string) => ({
    pk: `${orgPk(orgId)}#CAL#${userId}`,
    sk: `EVENT#${startUtc}#${googleId}`,
  }),
  calendarEventById: (orgId: string, userId: string, googleId: string) => ({
    pk: `${orgPk(orgId)}#CAL#${userId}`,
    sk: `GEVENT#${googleId}`,
  }),
  calendarEventPrefix: 'EVENT#',
  calendarEventByIdPrefix: 'GEVENT#',

  oauthState: (nonce: string) => ({ pk: `OAUTHSTATE#${nonce}`, sk: 'OAUTHSTATE' }),

  orgRateBucket: (orgId: string, action: string, windowStart: string) => ({
    pk: orgPk(orgId),
    sk: `RATE#${action}#${windowStart}`,
  }),
  userRateBucket: (userId: string, action: string, windowStart: string) => ({
    pk: `USER#${userId}`,
    sk: `RATE#${action}#${windowStart}`,
  }),
} as const;

export function orgPk(orgId: string): string {
  return `ORG#${orgId}`;
}

/**
 * Partitions hanging off an item of the org partition (by its sk), which deleting the tenant must
 * also empty: audit hangs off the org item, calendars off memberships and calendar connections.
 */
export function childPartitions(orgId: string, sk: string): string[] {
  if (sk === 'ORG') return [keys.auditPk(orgId)];
  const user = /^(?:MEMBER|CALENDAR)#(.+)$/.exec(sk)?.[1];
  return user ? [keys.calendarPk(orgId, user)] : [];
}

/** Every partition that belongs to a tenant starts with this, including audit and calendar partitions. */
export function isTenantPartition(pk: string, orgId: string): boolean {
  return pk === orgPk(orgId) || pk.startsWith(`${orgPk(orgId)}#`);
}
