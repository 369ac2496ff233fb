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
 * | audit entry             | ORG#<orgId>#AUDIT         | <isoTime>#<auditId>      | gsi1: ORG#<orgId>#AUDIT#ACTOR#<userId> / <isoTime>#<auditId> |
 * |                         |                           |                          | gsi3: ORG#<orgId>#AUDIT#ACTION#<action> / <isoTime>#<auditId> |
 * | calendar connection     | ORG#<orgId>               | CALENDAR#<userId>        | gsi2: SYNCDUE#<shard> / <nextSyncAt>#<orgId>#<userId> |
 * | calendar event          | ORG#<orgId>#CAL#<userId>  | EVENT#<startUtc>#<googleId> |                                  |
 * | calendar event by id    | ORG#<orgId>#CAL#<userId>  | GEVENT#<googleId>        |                                     |
 * | OAuth state (one use)   | OAUTHSTATE#<nonce>        | OAUTHSTATE               |                                     |
 * | agent (+ configuration) | ORG#<orgId>               | AGENT#<agentId>          |                                     |
 * | agent shared out        | ORG#<ownerOrgId>          | AGENTSHARE#<agentId>#<targetOrgId> |                           |
 * | agent shared in         | ORG#<targetOrgId>         | AGENT#<agentId>          | (type AGENT_SHARED)                 |
 * | phone number            | ORG#<orgId>               | PHONE#<e164>             |                                     |
 * | phone number claim      | PHONE#<e164>              | PHONE                    |                                     |
 * | rate bucket (org)       | ORG#<orgId>               | RATE#<action>#<windowStart> |                                  |
 * | rate bucket (user)      | USER#<userId>             | RATE#<action>#<windowStart> |                                  |
 *
 * Tenant-owned items all start their pk with ORG#<orgId> (isTenantPartition): deleting a tenant
 * refuses to touch any other partition, and signed cursors carry the partition they were read from.
 *
 * gsi3 is reserved for the tasks work (issue 12), which lists an org's tasks by status and schedule
 * on it (gsi3pk ORG#<orgId>#TASKS#<status>, gsi3sk <scheduledAt>). Audit entries share it under
 * their own prefix (ORG#<orgId>#AUDIT#ACTION#<action>): a Query names one partition, so the two
 * never meet. gsi1 likewise carries audit entries by actor beside profiles, memberships and invitees.
 * Audit entries written before these index keys existed are in neither index: they show only in
 * the unfiltered and date-filtered audit lists.
 */

/** Every label a key uses, once; keys are built from these and nowhere else. */
const label = {
  org: 'ORG',
  user: 'USER',
  profile: 'PROFILE',
  email: 'EMAIL',
  member: 'MEMBER',
  invite: 'INVITE',
  invitee: 'INVITEE',
  inviteToken: 'INVITETOKEN',
  audit: 'AUDIT',
  actor: 'ACTOR',
  action: 'ACTION',
  calendar: 'CALENDAR',
  calendarPartition: 'CAL',
  event: 'EVENT',
  eventById: 'GEVENT',
  syncDue: 'SYNCDUE',
  oauthState: 'OAUTHSTATE',
  rate: 'RATE',
  health: 'HEALTH',
  agent: 'AGENT',
  agentShare: 'AGENTSHARE',
  phone: 'PHONE',
} as const;

const key = (...parts: string[]) => parts.join('#');
/** The sort-key prefix of every item whose sk starts with `l`. */
const prefix = (l: string) => `${l}#`;

export const keys = {
  user: (userId: string) => ({ pk: key(label.user, userId), sk: label.profile }),
  userEmailIndex: (email: string) => ({ gsi1pk: key(label.email, email.toLowerCase()), gsi1sk: label.user }),

  org: (orgId: string) => ({ pk: orgPk(orgId), sk: label.org }),
  membership: (orgId: string, userId: string) => ({ pk: orgPk(orgId), sk: key(label.member, userId) }),
  membershipPrefix: prefix(label.member),
  membershipUserIndex: (userId: string, orgId: string) => ({
    gsi1pk: key(label.user, userId),
    gsi1sk: orgPk(orgId),
  }),
  /** gsi1 partition and sort-key prefix listing a user's memberships. */
  membershipsOfUser: (userId: string) => ({ gsi1pk: key(label.user, userId), prefix: prefix(label.org) }),

  invite: (orgId: string, inviteId: string) => ({ pk: orgPk(orgId), sk: key(label.invite, inviteId) }),
  invitePrefix: prefix(label.invite),
  inviteeIndex: (email: string, orgId: string, inviteId: string) => ({
    gsi1pk: key(label.invitee, email.toLowerCase()),
    gsi1sk: key(orgPk(orgId), inviteId),
  }),
  /** gsi1 partition listing the invites addressed to an email, across orgs. */
  invitesOfEmail: (email: string) => key(label.invitee, email.toLowerCase()),
  inviteToken: (tokenHash: string) => ({ pk: key(label.inviteToken, tokenHash), sk: label.inviteToken }),
  pendingInviteClaim: (orgId: string, email: string) => ({
    pk: orgPk(orgId),
    sk: key(label.invitee, email.toLowerCase()),
  }),

  auditPk: (orgId: string) => key(orgPk(orgId), label.audit),
  audit: (orgId: string, at: string, auditId: string) => ({
    pk: key(orgPk(orgId), label.audit),
    sk: key(at, auditId),
  }),
  /** gsi1 partition of one actor's audit entries; the sort key is the entry's own (time, id). */
  auditOfActor: (orgId: string, userId: string) => key(orgPk(orgId), label.audit, label.actor, userId),
  /** gsi3 partition of one action's audit entries. */
  auditOfAction: (orgId: string, action: string) => key(orgPk(orgId), label.audit, label.action, action),
  auditIndexes: (entry: {
    orgId: string;
    at: string;
    id: string;
    actor: { userId: string };
    action: string;
  }) => ({
    gsi1pk: keys.auditOfActor(entry.orgId, entry.actor.userId),
    gsi1sk: key(entry.at, entry.id),
    gsi3pk: keys.auditOfAction(entry.orgId, entry.action),
    gsi3sk: key(entry.at, entry.id),
  }),

  calendarConnection: (orgId: string, userId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.calendar, userId),
  }),
  calendarConnectionPrefix: prefix(label.calendar),
  syncDuePk: (shard: number) => key(label.syncDue, String(shard)),
  syncDueIndex: (shard: number, nextSyncAt: string, orgId: string, userId: string) => ({
    gsi2pk: key(label.syncDue, String(shard)),
    gsi2sk: key(nextSyncAt, orgId, userId),
  }),
  calendarPk: (orgId: string, userId: string) => key(orgPk(orgId), label.calendarPartition, userId),
  calendarEvent: (orgId: string, userId: string, startUtc: string, googleId: string) => ({
    pk: keys.calendarPk(orgId, userId),
    sk: key(label.event, startUtc, googleId),
  }),
  calendarEventById: (orgId: string, userId: string, googleId: string) => ({
    pk: keys.calendarPk(orgId, userId),
    sk: key(label.eventById, googleId),
  }),
  calendarEventPrefix: prefix(label.event),
  calendarEventByIdPrefix: prefix(label.eventById),

  oauthState: (nonce: string) => ({ pk: key(label.oauthState, nonce), sk: label.oauthState }),

  agent: (orgId: string, agentId: string) => ({ pk: orgPk(orgId), sk: key(label.agent, agentId) }),
  agentPrefix: prefix(label.agent),
  /** In the owning org: the agent is shared into `targetOrgId` (whose partition holds the mirror below). */
  agentShare: (ownerOrgId: string, agentId: string, targetOrgId: string) => ({
    pk: orgPk(ownerOrgId),
    sk: key(label.agentShare, agentId, targetOrgId),
  }),
  agentSharesPrefix: (agentId: string) => prefix(key(label.agentShare, agentId)),
  /** In the target org: the shared agent, under the same sort key as its own agents, so one Query lists both. */
  sharedAgent: (targetOrgId: string, agentId: string) => ({
    pk: orgPk(targetOrgId),
    sk: key(label.agent, agentId),
  }),

  phoneNumber: (orgId: string, e164: string) => ({ pk: orgPk(orgId), sk: key(label.phone, e164) }),
  phoneNumberPrefix: prefix(label.phone),
  /** Outside every tenant: the one org a number belongs to, platform-wide (written with the number). */
  phoneClaim: (e164: string) => ({ pk: key(label.phone, e164), sk: label.phone }),

  /** Never written: reading it proves the table answers (GET /health?deep=1). */
  healthProbe: () => ({ pk: label.health, sk: label.health }),

  orgRateBucket: (orgId: string, action: string, windowStart: string) => ({
    pk: orgPk(orgId),
    sk: key(label.rate, action, windowStart),
  }),
  userRateBucket: (userId: string, action: string, windowStart: string) => ({
    pk: key(label.user, userId),
    sk: key(label.rate, action, windowStart),
  }),
} as const;

export function orgPk(orgId: string): string {
  return key(label.org, orgId);
}

/**
 * Partitions that hang off an item of the org partition, by the label its sk starts with: deleting
 * the tenant empties them too. A new kind of child partition is declared here, next to its key.
 */
const tenantChildren: Partial<Record<string, (orgId: string, id: string) => string[]>> = {
  [label.org]: (orgId) => [keys.auditPk(orgId)],
  [label.member]: (orgId, userId) => [keys.calendarPk(orgId, userId)],
  [label.calendar]: (orgId, userId) => [keys.calendarPk(orgId, userId)],
};

export function childPartitions(orgId: string, sk: string): string[] {
  const [itemLabel = '', ...id] = sk.split('#');
  return tenantChildren[itemLabel]?.(orgId, id.join('#')) ?? [];
}

/**
 * Items in other partitions that exist only because of this one (an invite's token lookup, the
 * other side of an agent share, a number's platform-wide claim): deleting the tenant deletes them
 * with it.
 */
export function mirrorKeys(orgId: string, item: Record<string, unknown>): { pk: string; sk: string }[] {
  if (typeof item.tokenHash === 'string') return [keys.inviteToken(item.tokenHash)];
  if (item.type === 'AGENT_SHARE') return [keys.sharedAgent(String(item.targetOrgId), String(item.agentId))];
  if (item.type === 'AGENT_SHARED')
    return [keys.agentShare(String(item.ownerOrgId), String(item.agentId), orgId)];
  // The number is read from the sort key: the org-deletion Query projects only what it needs.
  if (item.type === 'PHONE_NUMBER')
    return [keys.phoneClaim(String(item.sk).slice(keys.phoneNumberPrefix.length))];
  return [];
}

/** Every partition that belongs to a tenant starts with this, including audit and calendar partitions. */
export function isTenantPartition(pk: string, orgId: string): boolean {
  return pk === orgPk(orgId) || pk.startsWith(`${orgPk(orgId)}#`);
}
