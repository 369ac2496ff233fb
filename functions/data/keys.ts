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
 * | agent by id (runtime)   | AGENTREF#<agentId>        | AGENTREF                 |                                     |
 * | API client              | ORG#<orgId>               | APICLIENT#<clientId>     |                                     |
 * | API client by id        | APICLIENT#<clientId>      | APICLIENT                | (the pipeline's one read per call)  |
 * | rate bucket (org)       | ORG#<orgId>               | RATE#<action>#<windowStart> |                                  |
 * | prompt (head: latest)   | ORG#<orgId>               | PROMPT#<promptId>        |                                     |
 * | prompt version          | ORG#<orgId>               | PROMPTVERSION#<promptId>#<000001> | (immutable once written)   |
 * | knowledge version       | ORG#<orgId>               | KVERSION                 | (org-wide counter + size totals)    |
 * | knowledge content       | ORG#<orgId>               | KCONTENT#<entryId>       |                                     |
 * | knowledge entry         | ORG#<orgId>#KNOWLEDGE     | KENTRY#<entryId>         | (names the visible chunk revision)  |
 * | knowledge chunk         | ORG#<orgId>#KNOWLEDGE     | KCHUNK#<entryId>#<rev>#<n> |                                   |
 * | conversation            | ORG#<orgId>               | CONV#<conversationId> (ULID) | gsi1: ORG#<orgId>#CONVS#AGENT#<agentId> / <conversationId> |
 * |                         |                           |                          | gsi2: ORG#<orgId>#CONVS#DAY#<UTC day> / <conversationId> |
 * | conversation message    | ORG#<orgId>#CONV#<conversationId> | MSG#<messageId> (ULID) |                           |
 * | token usage (month)     | ORG#<orgId>               | TOKENS#<YYYY-MM>         | (the plan's monthly budget counter) |
 * | conversation counters   | ORG#<orgId>               | CONVCOUNT#<utcQuarterHour> | (the conversations summary)      |
 * | task                    | ORG#<orgId>               | TASK#<taskId> (ULID: created order) | gsi3: ORG#<orgId>#TASKS#<status> / <scheduledAt or createdAt>#<taskId> |
 * |                         |                           |                          | gsi1: ORG#<orgId>#TASKS#ASSIGNEE#<userId> / <taskId> (when assigned) |
 * |                         |                           |                          | gsi2: ORG#<orgId>#TASKS#AGENT#<agentId> / <taskId> (when it has an agent) |
 * | call                    | ORG#<orgId>               | CALL#<callId> (ULID: start order) | gsi1: ORG#<orgId>#CALLS#AGENT#<agentId> / <callId> |
 * |                         |                           |                          | gsi2: ORG#<orgId>#CALLS#DAY#<UTC day> / <callId> |
 * |                         |                           |                          | gsi3: ORG#<orgId>#CALLS#OUTCOME#<outcome> / <callId> |
 * | call of a LiveKit room  | ORG#<orgId>               | CALLROOM#<roomSid>       | (the room's one call, whoever records it first) |
 * | call by id (runtime)    | CALLREF#<callId>          | CALLREF                  | (its org, for the worker's events)  |
 * | call event (once)       | ORG#<orgId>#CALL#<callId> | EVENT#<eventId>          | (the worker's events, by their id)  |
 * | task counters (15 min)  | ORG#<orgId>               | TASKCOUNT#<utcQuarterHour> |                                   |
 * | task idempotency key    | ORG#<orgId>               | IDEMPOTENCY#<creatorKind>#<creatorId>#<key> | (TTL 24 h)       |
 * | rate bucket (user)      | USER#<userId>             | RATE#<action>#<windowStart> |                                  |
 * | call rate bucket (org)  | ORG#<orgId>#RATE          | <action>#<windowStart>   | (calls that cost money, TTL)        |
 * | call rate bucket (caller) | ORG#<orgId>#RATE        | <action>#<windowStart>#<callerId> | (a person's or API client's) |
 * | team member             | ORG#<orgId>               | TEAMMEMBER#<teamMemberId> (ULID) | gsi1: ORG#<orgId>#TEAM#TYPE#<memberType> / <status>#<teamMemberId> |
 * |                         |                           |                          | gsi2: ORG#<orgId>#TEAM#STATUS#<status> / <teamMemberId> |
 * | team uniqueness claim   | ORG#<orgId>               | TEAMCLAIM#EMAIL#<email>, TEAMCLAIM#USER#<userId>, TEAMCLAIM#EXT#<source>#<id> | (holds the teamMemberId) |
 * | sale                    | ORG#<orgId>               | SALE#<saleId> (ULID)     | gsi2: ORG#<orgId>#SALES / <occurredAt>#<saleId> |
 * | sale refund             | ORG#<orgId>               | SALEREFUND#<saleId>#<refundId> |                               |
 * | sale external id claim  | ORG#<orgId>               | SALEEXT#<source>#<externalId> | (holds the saleId: idempotent create) |
 * | sales currency          | ORG#<orgId>               | SALESCURRENCY            | (set by the first sale; every sale checks it) |
 * | platform role grant     | USER#<userId>             | PLATFORMROLE             | gsi1: PLATFORMADMINS / <userId>     |
 * | orgs a user created     | USER#<userId>             | ORGSCREATED              | (counter: never goes down)          |
 * | platform audit entry    | PLATFORMAUDIT             | <isoTime>#<auditId>      |                                     |
 * | (organization, above)   |                           |                          | gsi1: ORGNAME#<first letter> / <normalized name>#<orgId> |
 * |                         |                           |                          | gsi2: ORGDOMAIN#<domain> / <orgId> (when it has a domain) |
 *
 * Tenant-owned items all start their pk with ORG#<orgId> (isTenantPartition): deleting a tenant
 * refuses to touch any other partition, and signed cursors carry the partition they were read from.
 *
 * gsi3 lists an org's tasks by status and schedule (gsi3pk ORG#<orgId>#TASKS#<status>, gsi3sk
 * <scheduledAt, or createdAt when unscheduled>#<taskId>). Audit entries share it under
 * their own prefix (ORG#<orgId>#AUDIT#ACTION#<action>): a Query names one partition, so the two
 * never meet. gsi1 likewise carries audit entries by actor and tasks by assignee beside profiles,
 * memberships and invitees; gsi2 tasks by agent beside the sync-due shards. Conversations sit on
 * gsi1 by agent and gsi2 by UTC day under ORG#<orgId>#CONVS#…; their messages hang off the
 * conversation item as a child partition (tenantChildren). Tasks, their counters
 * and idempotency keys all live in the org partition, so deleting the tenant removes them.
 * Audit entries written before these index keys existed are in neither index: they show only in
 * the unfiltered and date-filtered audit lists.
 *
 * Platform administration (README "Platform administration") searches orgs without a Scan: the org
 * item carries its normalized name on gsi1, bucketed by its first letter (a name-prefix search
 * names the bucket by the query's first letter, then begins_with on the sort key), and its primary
 * domain on gsi2. Orgs stored before these keys existed get them from
 * infra/scripts/backfill-org-index.ts (or their next settings change). Agents stored before their
 * AGENTREF# lookup existed get it from infra/scripts/backfill-agent-refs.ts.
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
  prompt: 'PROMPT',
  promptVersion: 'PROMPTVERSION',
  knowledge: 'KNOWLEDGE',
  knowledgeVersion: 'KVERSION',
  knowledgeContent: 'KCONTENT',
  knowledgeEntry: 'KENTRY',
  knowledgeChunk: 'KCHUNK',
  conversation: 'CONV',
  conversations: 'CONVS',
  message: 'MSG',
  day: 'DAY',
  tokens: 'TOKENS',
  conversationCount: 'CONVCOUNT',
  agentRef: 'AGENTREF',
  apiClient: 'APICLIENT',
  task: 'TASK',
  tasks: 'TASKS',
  assignee: 'ASSIGNEE',
  taskCount: 'TASKCOUNT',
  idempotency: 'IDEMPOTENCY',
  teamMember: 'TEAMMEMBER',
  team: 'TEAM',
  teamClaim: 'TEAMCLAIM',
  type: 'TYPE',
  status: 'STATUS',
  external: 'EXT',
  sale: 'SALE',
  sales: 'SALES',
  saleRefund: 'SALEREFUND',
  saleExternal: 'SALEEXT',
  salesCurrency: 'SALESCURRENCY',
  platformRole: 'PLATFORMROLE',
  orgsCreated: 'ORGSCREATED',
  platformAdmins: 'PLATFORMADMINS',
  platformAudit: 'PLATFORMAUDIT',
  orgName: 'ORGNAME',
  orgDomain: 'ORGDOMAIN',
  call: 'CALL',
  calls: 'CALLS',
  callRoom: 'CALLROOM',
  callRef: 'CALLREF',
  outcome: 'OUTCOME',
} as const;

const key = (...parts: string[]) => parts.join('#');
/** The sort-key prefix of every item whose sk starts with `l`. */
const prefix = (l: string) => `${l}#`;

export const keys = {
  user: (userId: string) => ({ pk: key(label.user, userId), sk: label.profile }),
  userEmailIndex: (email: string) => ({ gsi1pk: key(label.email, email.toLowerCase()), gsi1sk: label.user }),
  /** How many orgs the user has created, ever: the bound on free plans one person can open. */
  orgsCreated: (userId: string) => ({ pk: key(label.user, userId), sk: label.orgsCreated }),

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
    actor: { userId: string } | { apiClientId: string } | { agentId: string };
    action: string;
  }) => ({
    gsi1pk: keys.auditOfActor(
      entry.orgId,
      'userId' in entry.actor
        ? entry.actor.userId
        : 'apiClientId' in entry.actor
          ? entry.actor.apiClientId
          : entry.actor.agentId,
    ),
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

  task: (orgId: string, taskId: string) => ({ pk: orgPk(orgId), sk: key(label.task, taskId) }),
  taskPrefix: prefix(label.task),
  /** gsi3 partition of the org's tasks in one status; sorted by `taskIndexes`' gsi3sk. */
  tasksByStatus: (orgId: string, status: string) => key(orgPk(orgId), label.tasks, status),
  tasksOfAssignee: (orgId: string, userId: string) => key(orgPk(orgId), label.tasks, label.assignee, userId),
  tasksOfAgent: (orgId: string, agentId: string) => key(orgPk(orgId), label.tasks, label.agent, agentId),
  /** The index keys of a task: by status always, by assignee and agent only when it has them (sparse). */
  taskIndexes: (task: {
    orgId: string;
    id: string;
    status: string;
    scheduledAt: string | null;
    createdAt: string;
    assignedTo: string | null;
    agentId: string | null;
  }) => ({
    gsi3pk: keys.tasksByStatus(task.orgId, task.status),
    gsi3sk: key(task.scheduledAt ?? task.createdAt, task.id),
    ...(task.assignedTo
      ? { gsi1pk: keys.tasksOfAssignee(task.orgId, task.assignedTo), gsi1sk: task.id }
      : {}),
    ...(task.agentId ? { gsi2pk: keys.tasksOfAgent(task.orgId, task.agentId), gsi2sk: task.id } : {}),
  }),
  /** The counters of the tasks created in one UTC quarter hour (`bucket`: its start, 2026-01-05T13:45Z). */
  taskCounter: (orgId: string, bucket: string) => ({ pk: orgPk(orgId), sk: key(label.taskCount, bucket) }),
  taskCounterPrefix: prefix(label.taskCount),
  idempotencyKey: (orgId: string, creator: { kind: string; id: string }, idempotencyKey: string) => ({
    pk: orgPk(orgId),
    sk: key(label.idempotency, creator.kind, creator.id, idempotencyKey),
  }),

  /** Outside every tenant: which org owns an agent, so the voice runtime finds it by id alone. */
  agentRef: (agentId: string) => ({ pk: key(label.agentRef, agentId), sk: label.agentRef }),

  apiClient: (orgId: string, clientId: string) => ({ pk: orgPk(orgId), sk: key(label.apiClient, clientId) }),
  apiClientPrefix: prefix(label.apiClient),
  /** Outside every tenant: the org and role a client-credentials token's client_id acts as. */
  apiClientLookup: (clientId: string) => ({ pk: key(label.apiClient, clientId), sk: label.apiClient }),

  prompt: (orgId: string, promptId: string) => ({ pk: orgPk(orgId), sk: key(label.prompt, promptId) }),
  promptPrefix: prefix(label.prompt),
  /** Zero-padded so versions sort by number within the prompt's prefix. */
  promptVersion: (orgId: string, promptId: string, version: number) => ({
    pk: orgPk(orgId),
    sk: key(label.promptVersion, promptId, String(version).padStart(6, '0')),
  }),
  promptVersionsPrefix: (promptId: string) => prefix(key(label.promptVersion, promptId)),

  /** The org-wide knowledge version (bumped by every knowledge write) and the bank's size totals. */
  knowledgeVersion: (orgId: string) => ({ pk: orgPk(orgId), sk: label.knowledgeVersion }),
  /** An entry's full text, apart from the retrieval partition so building an index never reads it. */
  knowledgeContent: (orgId: string, entryId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.knowledgeContent, entryId),
  }),
  /** Everything retrieval reads, in one partition: entries (small) and their chunks. */
  knowledgePk: (orgId: string) => key(orgPk(orgId), label.knowledge),
  knowledgeEntry: (orgId: string, entryId: string) => ({
    pk: keys.knowledgePk(orgId),
    sk: key(label.knowledgeEntry, entryId),
  }),
  knowledgeEntryPrefix: prefix(label.knowledgeEntry),
  knowledgeChunk: (orgId: string, entryId: string, rev: string, n: number) => ({
    pk: keys.knowledgePk(orgId),
    sk: key(label.knowledgeChunk, entryId, rev, String(n).padStart(4, '0')),
  }),
  /** Every chunk of an entry, of any revision (a failed write's leftovers included). */
  knowledgeChunksPrefix: (entryId: string) => prefix(key(label.knowledgeChunk, entryId)),

  conversation: (orgId: string, conversationId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.conversation, conversationId),
  }),
  conversationPrefix: prefix(label.conversation),
  /** A conversation's messages, in their own partition (a long conversation never grows the org's). */
  conversationPk: (orgId: string, conversationId: string) =>
    key(orgPk(orgId), label.conversation, conversationId),
  message: (orgId: string, conversationId: string, messageId: string) => ({
    pk: keys.conversationPk(orgId, conversationId),
    sk: key(label.message, messageId),
  }),
  messagePrefix: prefix(label.message),
  conversationsOfAgent: (orgId: string, agentId: string) =>
    key(orgPk(orgId), label.conversations, label.agent, agentId),
  conversationsOfDay: (orgId: string, day: string) => key(orgPk(orgId), label.conversations, label.day, day),
  /** A conversation's lists: by agent on gsi1, by its UTC start day on gsi2 (ids are ULIDs: time order). */
  conversationIndexes: (c: { orgId: string; id: string; agentId: string; createdAt: string }) => ({
    gsi1pk: keys.conversationsOfAgent(c.orgId, c.agentId),
    gsi1sk: c.id,
    gsi2pk: keys.conversationsOfDay(c.orgId, c.createdAt.slice(0, 10)),
    gsi2sk: c.id,
  }),
  /** The org's model tokens in one UTC month, counted with each reply; the plan's budget is checked against it. */
  /** The counters of conversations started and replies given in one UTC quarter hour. */
  conversationCounter: (orgId: string, bucket: string) => ({
    pk: orgPk(orgId),
    sk: key(label.conversationCount, bucket),
  }),
  tokenUsage: (orgId: string, month: string) => ({ pk: orgPk(orgId), sk: key(label.tokens, month) }),

  teamMember: (orgId: string, teamMemberId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.teamMember, teamMemberId),
  }),
  teamMemberPrefix: prefix(label.teamMember),
  teamMembersOfType: (orgId: string, memberType: string) =>
    key(orgPk(orgId), label.team, label.type, memberType),
  teamMembersOfStatus: (orgId: string, status: string) => key(orgPk(orgId), label.team, label.status, status),
  /** A type's list sorts by status first, so "sales reps who are active" is a prefix of it. */
  teamMemberStatusPrefix: (status: string) => prefix(status),
  teamMemberIndexes: (m: { orgId: string; id: string; memberType: string; status: string }) => ({
    gsi1pk: keys.teamMembersOfType(m.orgId, m.memberType),
    gsi1sk: key(m.status, m.id),
    gsi2pk: keys.teamMembersOfStatus(m.orgId, m.status),
    gsi2sk: m.id,
  }),
  /** What is unique among an org's people: an email, a login, an id per external source. */
  teamEmailClaim: (orgId: string, email: string) => ({
    pk: orgPk(orgId),
    sk: key(label.teamClaim, label.email, email.toLowerCase()),
  }),
  teamUserClaim: (orgId: string, userId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.teamClaim, label.user, userId),
  }),
  teamExternalClaim: (orgId: string, source: string, externalId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.teamClaim, label.external, source, externalId),
  }),

  /**
   * Calls (README "Call records (issue 21)"): ids are ULIDs of the call's start, so the org
   * partition's CALL# prefix lists them newest first and a day range is a sort-key range; by agent,
   * UTC day and outcome on gsi1-3 under ORG#<orgId>#CALLS#…; the worker's events in a child partition.
   */
  call: (orgId: string, callId: string) => ({ pk: orgPk(orgId), sk: key(label.call, callId) }),
  callPrefix: prefix(label.call),
  /** The one call of a LiveKit room instance: the webhook and the worker both find it by the room sid. */
  callRoom: (orgId: string, roomSid: string) => ({ pk: orgPk(orgId), sk: key(label.callRoom, roomSid) }),
  /** Outside every tenant: which org a call is in, so the worker's events find it by id alone. */
  callRef: (callId: string) => ({ pk: key(label.callRef, callId), sk: label.callRef }),
  callPk: (orgId: string, callId: string) => key(orgPk(orgId), label.call, callId),
  callEvent: (orgId: string, callId: string, eventId: string) => ({
    pk: keys.callPk(orgId, callId),
    sk: key(label.event, eventId),
  }),
  callEventPrefix: prefix(label.event),
  callsOfAgent: (orgId: string, agentId: string) => key(orgPk(orgId), label.calls, label.agent, agentId),
  callsOfDay: (orgId: string, day: string) => key(orgPk(orgId), label.calls, label.day, day),
  callsOfOutcome: (orgId: string, outcome: string) => key(orgPk(orgId), label.calls, label.outcome, outcome),
  callIndexes: (c: { orgId: string; id: string; agentId: string; startedAt: string; outcome: string }) => ({
    gsi1pk: keys.callsOfAgent(c.orgId, c.agentId),
    gsi1sk: c.id,
    gsi2pk: keys.callsOfDay(c.orgId, c.startedAt.slice(0, 10)),
    gsi2sk: c.id,
    gsi3pk: keys.callsOfOutcome(c.orgId, c.outcome),
    gsi3sk: c.id,
  }),

  sale: (orgId: string, saleId: string) => ({ pk: orgPk(orgId), sk: key(label.sale, saleId) }),
  /** gsi2: an org's sales by when they occurred, so a period is one BETWEEN. */
  salesByTime: (orgId: string) => key(orgPk(orgId), label.sales),
  saleIndexes: (sale: { orgId: string; id: string; occurredAt: string }) => ({
    gsi2pk: keys.salesByTime(sale.orgId),
    gsi2sk: key(sale.occurredAt, sale.id),
  }),
  saleRefund: (orgId: string, saleId: string, refundId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.saleRefund, saleId, refundId),
  }),
  saleExternalClaim: (orgId: string, source: string, externalId: string) => ({
    pk: orgPk(orgId),
    sk: key(label.saleExternal, source, externalId),
  }),
  salesCurrency: (orgId: string) => ({ pk: orgPk(orgId), sk: label.salesCurrency }),

  /** Outside every tenant: a person's platform role, listed on gsi1 under PLATFORMADMINS. */
  platformRole: (userId: string) => ({ pk: key(label.user, userId), sk: label.platformRole }),
  platformAdminIndex: (userId: string) => ({ gsi1pk: label.platformAdmins, gsi1sk: userId }),
  platformAdminsPk: label.platformAdmins,
  platformAuditPk: label.platformAudit,
  platformAudit: (at: string, auditId: string) => ({ pk: label.platformAudit, sk: key(at, auditId) }),
  /** gsi1 bucket of org names starting with `firstLetter` (of the normalized name). */
  orgNameBucket: (firstLetter: string) => key(label.orgName, firstLetter),
  orgDomainPk: (domain: string) => key(label.orgDomain, domain.toLowerCase()),
  /** The org item's search keys: name always, domain only when it has one (sparse). */
  orgSearchIndexes: (org: { id: string; searchName: string; domain: string | null }) => ({
    gsi1pk: keys.orgNameBucket(Array.from(org.searchName)[0] ?? ''),
    gsi1sk: key(org.searchName, org.id),
    ...(org.domain ? { gsi2pk: keys.orgDomainPk(org.domain), gsi2sk: org.id } : {}),
  }),

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
  /**
   * Buckets of calls that cost money but change nothing of the tenant (test calls, searches), per
   * org and per caller: in a partition of their own, so counting a call leaves the org's alone.
   */
  callRatePk: (orgId: string) => key(orgPk(orgId), label.rate),
  orgCallBucket: (orgId: string, action: string, windowStart: string) => ({
    pk: keys.callRatePk(orgId),
    sk: key(action, windowStart),
  }),
  callerCallBucket: (orgId: string, callerId: string, action: string, windowStart: string) => ({
    pk: keys.callRatePk(orgId),
    sk: key(action, windowStart, callerId),
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
  [label.org]: (orgId) => [keys.auditPk(orgId), keys.callRatePk(orgId)],
  [label.member]: (orgId, userId) => [keys.calendarPk(orgId, userId)],
  [label.calendar]: (orgId, userId) => [keys.calendarPk(orgId, userId)],
  // Written by the first knowledge write and never removed, so it always names the bank's partition.
  [label.knowledgeVersion]: (orgId) => [keys.knowledgePk(orgId)],
  [label.conversation]: (orgId, conversationId) => [keys.conversationPk(orgId, conversationId)],
  [label.call]: (orgId, callId) => [keys.callPk(orgId, callId)],
};

export function childPartitions(orgId: string, sk: string): string[] {
  const [itemLabel = '', ...id] = sk.split('#');
  return tenantChildren[itemLabel]?.(orgId, id.join('#')) ?? [];
}

/**
 * Items in other partitions that exist only because of this one (an invite's token lookup, the
 * other side of an agent share, a number's platform-wide claim, an agent's or API client's lookup by id): deleting the tenant deletes them
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
  if (item.type === 'AGENT') return [keys.agentRef(String(item.sk).slice(keys.agentPrefix.length))];
  if (item.type === 'CALL') return [keys.callRef(String(item.sk).slice(keys.callPrefix.length))];
  if (item.type === 'API_CLIENT')
    return [keys.apiClientLookup(String(item.sk).slice(keys.apiClientPrefix.length))];
  return [];
}

/** Every partition that belongs to a tenant starts with this, including audit and calendar partitions. */
export function isTenantPartition(pk: string, orgId: string): boolean {
  return pk === orgPk(orgId) || pk.startsWith(`${orgPk(orgId)}#`);
}
