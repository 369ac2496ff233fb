/**
 * DynamoDB round-trip budgets per route, in one place: tests/integration/round-trip-budgets.test.ts
 * fails a route over its budget, and `npm run bench` shows them beside what the integration tests
 * recorded. Default: at most 3 reads including authorization (the caller's profile; for org routes
 * one BatchGet of the profile, the membership and the org's status), and at most one write (one transaction or one single-item write). A
 * caller's first request also creates their profile ("SignIn:PutItem"), which belongs to
 * authentication and is not counted.
 *
 * The stricter reading for writes ("one transaction plus the authorization read", no other
 * read) is reported, not enforced: `extraReadsBeforeWrite` names the write routes that read the
 * target item before writing (for its version, state or limits), which a conditional write could fold in.
 */
import type { RouteSpec } from '../../functions/api/route';

export const readCommands = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
export const writeCommands = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

export interface Budget {
  reads: number;
  writes: number;
  /**
   * Reads added per entry of a comma-separated query parameter, for routes whose work grows with
   * the people asked for; `max` is the most entries the schema accepts (the budget when the
   * request is not known, as in the bench table).
   */
  perEntry?: { query: string; reads: number; max: number };
  /** Why this route needs more than the default (only on exceptions). */
  reason?: string;
}

/** Routes that legitimately need more than the default, and why. */
export const exceptions: Record<string, Budget> = {
  listMembers: {
    reads: 4,
    writes: 0,
    reason:
      "after the Query of the memberships it BatchGets the members' profiles, to show their names and pictures",
  },
  createInvite: {
    reads: 5,
    writes: 1,
    reason:
      'besides the caller and membership it reads the org (plan seats), counts the pending invites (seat limit) and looks the invitee up by email (already a member?)',
  },
  resendInvite: {
    reads: 5,
    writes: 1,
    reason:
      'besides the caller and membership it reads the invite and the org (name for the mail, seat limit) and, when it reopens an expired invite, counts the pending ones',
  },
  previewInvite: {
    reads: 4,
    writes: 0,
    reason:
      "resolves the token (its pointer item, then the invite) and reads the org's name to show the invitee",
  },
  shareAgent: {
    reads: 5,
    writes: 1,
    reason:
      "reads the agent and the caller's membership in the target org (they must administer it), and after the transaction BatchGets the target org's name for the answer",
  },
  listAgentShares: {
    reads: 5,
    writes: 0,
    reason: "reads the agent, queries its shares and BatchGets the target orgs' names",
  },
  deleteAgent: {
    reads: 5,
    writes: 3,
    reason:
      'reads the agent, deletes it in one transaction, then queries the phone numbers it answers and unassigns them (one transaction), and queries its shares and removes both sides (one batch); to revisit with the agents work (the removals are outside the transaction)',
  },
  getAgent: {
    reads: 4,
    writes: 0,
    reason:
      "a shared-in agent is read from its owner: the org's mirror item names the owner org, then the owner's item (two dependent Gets)",
  },
  updateAgent: {
    reads: 4,
    writes: 1,
    reason: 'reads the agent like getAgent (a shared-in one from its owner, then refused as read-only)',
  },
  configureAgent: {
    reads: 4,
    writes: 1,
    reason: 'reads the agent like getAgent (a shared-in one from its owner, then refused as read-only)',
  },
  listAgents: {
    reads: 4,
    writes: 0,
    reason: 'shared-in agents on the page are read from their owners in one BatchGet after the Query',
  },
  acceptInvite: {
    reads: 4,
    writes: 1,
    reason:
      'resolves the token (its pointer item, then the invite); when the transaction is refused (a race lost to another answer, a revoke or a resend) the invite is re-read to say why',
  },
  declineInvite: {
    reads: 4,
    writes: 1,
    reason:
      'resolves the token (its pointer item, then the invite); when the transaction is refused (a race lost) the invite is re-read to say why',
  },
  revokeInvite: {
    reads: 4,
    writes: 1,
    reason: 'reads the invite; when the transaction is refused (a race lost) it is re-read to say why',
  },
  getMe: {
    reads: 3,
    writes: 1,
    reason:
      'authentication follows a verified email change from the identity provider by replacing the profile (one Put), on whichever request comes first; GET /me is usually that request',
  },
  googleOAuthCallback: {
    reads: 4,
    writes: 2,
    reason:
      'public (no authorization reads): consumes the single-use state (a conditional Delete), reads the membership, the user (whose email the Google account must match), the org only on a mismatch, and the previous connection, then stores the connection (one Put)',
  },
  listCalendarEvents: {
    reads: 4,
    writes: 0,
    reason: "another member's calendar (calendar:readOthers) first reads that person's membership in the org",
  },
  createCalendarEvent: {
    reads: 3,
    writes: 2,
    reason:
      "reads the connection; after Google accepted the event, stores it with its id pointer (one BatchWrite) and adds to the connection's event count (one Update): not one transaction, the sync repairs both",
  },
  updateCalendarEvent: {
    reads: 5,
    writes: 1,
    reason:
      "reads the connection, then the event by Google id: its pointer item names the stored event's start (two dependent Gets)",
  },
  deleteCalendarEvent: {
    reads: 5,
    writes: 2,
    reason:
      'reads the connection and the event (pointer, then event) like updateCalendarEvent; after Google deleted it, removes both items (one BatchWrite) and lowers the event count (one Update)',
  },
  disconnectCalendar: {
    reads: Number.POSITIVE_INFINITY,
    writes: Number.POSITIVE_INFINITY,
    reason:
      "takes the sync lease (an Update), then forgets the calendar: queries the user's events and deletes them in BatchWriteItem pages of 25 and the connection, or gives the lease back when Google fails; grows with the calendar",
  },
  getAvailability: {
    reads: 2,
    writes: 0,
    perEntry: { query: 'userIds', reads: 3, max: 20 },
    reason:
      "grows with the people asked for: besides authorization, per person their membership, profile (time zone) and events in range (one Query, more pages only past 1 MB); the caller's own membership and profile come from authorization",
  },
  createAgentSession: {
    reads: 4,
    writes: 1,
    reason:
      "a shared-in agent is read through the target org's mirror item, then the owner's agent item (status, not deleted); the call is counted in the org's and the caller's rate buckets (one transaction)",
  },
  previewAgentVoice: {
    reads: 4,
    writes: 1,
    reason:
      "a shared-in agent is read through the target org's mirror item, then the owner's agent item (its voice); the sample is counted in the org's and the caller's preview buckets (one transaction)",
  },
  deletePrompt: {
    reads: 4,
    writes: Number.POSITIVE_INFINITY,
    reason:
      "reads the prompt; after the transaction that deletes it (refused while agents use it), queries its versions and deletes them in BatchWriteItem pages of 25, so it grows with the prompt's history",
  },
  createKnowledgeEntry: {
    reads: 2,
    writes: 12,
    reason:
      'an entry whose chunks do not fit one transaction with it (over ~95 chunks; 100 KB makes at most ~260) has them batch-written first (pages of 25, up to 11) and made visible by the transaction',
  },
  updateKnowledgeEntry: {
    reads: 3,
    writes: 23,
    reason:
      'new content of a long entry: its chunks batch-written before the transaction that makes them visible (up to 11 pages of 25), the replaced ones batch-deleted after it (up to 11)',
  },
  deleteKnowledgeEntry: {
    reads: 5,
    writes: 12,
    reason:
      'reads the entry; after the transaction that takes it out of retrieval, queries every chunk it ever had (failed writes’ leftovers too: a second page at most) and batch-deletes them (up to 11 pages of 25 for 100 KB)',
  },
  searchKnowledge: {
    reads: Number.POSITIVE_INFINITY,
    writes: 1,
    reason:
      "counts the search in the org's and the caller's rate buckets (one transaction); reads the org's knowledge version (and, when the search is for an agent, the agent: two reads for a shared-in one); only when the version moved since this container last built the org's index, queries the knowledge partition, one page per MB of chunks",
  },
  createConversation: {
    reads: 4,
    writes: 1,
    reason:
      'reads the agent (a shared-in one through the mirror item, then its owner’s item) before the one transaction of the conversation and its audit entry',
  },
  listConversationMessages: {
    reads: 4,
    writes: 0,
    reason:
      'reads the conversation (it must be this agent’s: another is a 404, not an empty list) beside the one Query of its messages, in parallel',
  },
  sendMessage: {
    reads: Number.POSITIVE_INFINITY,
    writes: 2,
    reason:
      "reads the agent (two Gets when shared in), the recent messages (one Query) and the org (its plan's token budget) in parallel; then the knowledge version (two for a shared-in agent: its owner's and the org's; and, only when one moved since this container built the index, queries that knowledge partition, one page per MB) and the prompt version, which size the message's token reservation; stores the question with the rate bucket and the reservation (one transaction) before calling the model; stores the reply with the token counters, settling the reservation (a second transaction)",
  },
  sendVoiceTurn: {
    reads: Number.POSITIVE_INFINITY,
    writes: 2,
    reason:
      'reads the agent first (its speech settings decide whether the utterance is sent at all), then what sendMessage reads (the recent messages and the org in parallel, the knowledge version and the prompt version); stores the question with the rate bucket and the reservation (one transaction) and the reply with the token counters (a second); nothing is stored when nothing was heard',
  },
  sendRuntimeTurn: {
    reads: Number.POSITIVE_INFINITY,
    writes: Number.POSITIVE_INFINITY,
    reason:
      'reads the agent as GET /runtime/agents/{agentId} does and the conversation (created on the first turn with its audit entry), then what sendMessage reads; the question is stored beside the model request and the reply after it; every tool the model calls adds its own reads (members, calendar connections and events for availability) and writes (the booked event, the follow-up task, one audit entry per call)',
  },
  searchOrgsAsAdmin: {
    reads: 3,
    writes: 1,
    reason:
      'a cross-tenant read: one Query on the org search index, then one transaction of the audit entries (the platform log and each org found)',
  },
  receiveLivekitWebhook: {
    reads: 6,
    writes: 2,
    reason:
      'reads the call’s task beside the org’s status and the agent (a shared-in one through the mirror item, then its owner’s agent and org in one BatchGet) and the room’s call record (its claim, then the call), all in parallel, before the transaction that records the task and claims the event id and the one that creates or changes the call record (with its conversation when new)',
  },
  startRuntimeCall: {
    reads: 4,
    writes: 1,
    reason:
      'reads the agent as GET /runtime/agents/{agentId} does (its lookup, then the agent with its org’s status) and the room’s claim; a call the webhook recorded first is read by id and marked joined by the worker',
  },
  getCall: {
    reads: 4,
    writes: 0,
    reason:
      'after authorization, the call by id, then its transcript (the conversation’s messages, one Query a 100 of them) beside the worker’s tool calls (one Query of the call’s events)',
  },
  suspendOrg: {
    reads: 4,
    writes: 1,
    reason:
      'reads the org, then every one of its numbers (one Query: a page holds far more numbers than a plan allows) to delete their LiveKit dispatch rules before the one transaction of the status and both audit entries',
  },
  reactivateOrg: {
    reads: 4,
    writes: Number.POSITIVE_INFINITY,
    reason:
      "reads the org, then every one of its numbers (one Query) to make their LiveKit dispatch rules again, storing each new rule's id on its number (one write per assigned number) before the one transaction of the status and both audit entries",
  },
  getOrgAsAdmin: {
    reads: 8,
    writes: 1,
    reason:
      "a cross-tenant read of one org, all in parallel: the org, its first members page, agents (with a BatchGet of shared-in ones), numbers and this month's task counters; then the audit entries (the org's and the platform's) in one transaction",
  },
  findUsersAsAdmin: {
    reads: 7,
    writes: 1,
    reason:
      "a cross-tenant read: the email index, the person's profile, platform grant (BatchGet) and organizations (the user index, then a BatchGet of the orgs); then the audit entries (the platform's and each org's) in one transaction",
  },
  grantPlatformRole: {
    reads: 4,
    writes: 1,
    reason: 'finds the person by email (the email index) and reads their profile before granting',
  },
  deleteOrg: {
    reads: Number.POSITIVE_INFINITY,
    writes: Number.POSITIVE_INFINITY,
    reason:
      "deletes a whole tenant: queries its partitions (members' calendar connections, agents, items) and deletes them in BatchWriteItem pages of 25, so it grows with the tenant; once per org",
  },
};

/**
 * Reads authorization itself makes: the caller's profile, plus the membership with the org's status
 * (one BatchGet) on org routes, or the platform role grant on platform routes.
 */
export function authorizationReads(spec: RouteSpec): number {
  if (spec.auth.kind === 'public') return 0;
  return spec.auth.kind === 'org' || spec.auth.kind === 'platform' ? 2 : 1;
}

/**
 * The route's budget; with the call's query, a budget growing per entry is sized to the request
 * (without it, to the largest request the schema accepts).
 */
export function budgetOf(spec: RouteSpec, query?: URLSearchParams): Budget {
  const exception = exceptions[spec.operationId];
  if (exception?.perEntry) {
    const { perEntry } = exception;
    const value = query?.get(perEntry.query);
    const entries = value == null ? perEntry.max : new Set(value.split(',').map((s) => s.trim())).size;
    return { ...exception, reads: exception.reads + perEntry.reads * Math.max(1, entries) };
  }
  if (exception) return exception;
  return { reads: 3, writes: spec.method === 'GET' ? 0 : 1 };
}

/** Reads a writing call makes beyond authorization (0 under the strict reading of the issue). */
export function extraReadsBeforeWrite(spec: RouteSpec, commands: readonly string[]): number {
  const { reads, writes } = tally(commands);
  return writes ? Math.max(0, reads - authorizationReads(spec)) : 0;
}

export function tally(commands: readonly string[]) {
  return {
    reads: commands.filter((c) => readCommands.has(c)).length,
    writes: commands.filter((c) => writeCommands.has(c)).length,
    other: commands.filter((c) => !readCommands.has(c) && !writeCommands.has(c) && !c.startsWith('SignIn:'))
      .length,
  };
}

/** Why a call's commands exceed the route's budget, or undefined when within it. */
export function overBudget(
  spec: RouteSpec,
  commands: readonly string[],
  query?: URLSearchParams,
): string | undefined {
  const budget = budgetOf(spec, query);
  const { reads, writes, other } = tally(commands);
  const over = [
    reads > budget.reads && `${reads} reads > ${budget.reads}`,
    writes > budget.writes && `${writes} writes > ${budget.writes}`,
    other > 0 && `${other} other commands`,
  ].filter(Boolean);
  return over.length ? `${spec.operationId}: ${over.join(', ')} (${commands.join(', ')})` : undefined;
}
