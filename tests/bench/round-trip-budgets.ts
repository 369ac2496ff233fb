/**
 * DynamoDB round-trip budgets per route, in one place: tests/integration/round-trip-budgets.test.ts
 * fails a route over its budget, and `npm run bench` shows them beside what the integration tests
 * recorded. Default: at most 3 reads including authorization (the caller's profile, and for org
 * routes the membership), and at most one write (one transaction or one single-item write). A
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
  /** Why this route needs more than the default (only on exceptions). */
  reason?: string;
}

/** Routes that legitimately need more than the default, and why. */
export const exceptions: Record<string, Budget> = {
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
    writes: 2,
    reason:
      'reads the agent, deletes it in one transaction, then queries its shares (two Queries) and removes them in separate writes; to revisit with the agents work (the removal is outside the transaction)',
  },
  deleteOrg: {
    reads: Number.POSITIVE_INFINITY,
    writes: Number.POSITIVE_INFINITY,
    reason:
      "deletes a whole tenant: queries its partitions (members' calendar connections, agents, items) and deletes them in BatchWriteItem pages of 25, so it grows with the tenant; once per org",
  },
};

/** Reads authorization itself makes: the caller's profile, plus the membership on org routes. */
export function authorizationReads(spec: RouteSpec): number {
  if (spec.auth.kind === 'public') return 0;
  return spec.auth.kind === 'org' ? 2 : 1;
}

export function budgetOf(spec: RouteSpec): Budget {
  const exception = exceptions[spec.operationId];
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
export function overBudget(spec: RouteSpec, commands: readonly string[]): string | undefined {
  const budget = budgetOf(spec);
  const { reads, writes, other } = tally(commands);
  const over = [
    reads > budget.reads && `${reads} reads > ${budget.reads}`,
    writes > budget.writes && `${writes} writes > ${budget.writes}`,
    other > 0 && `${other} other commands`,
  ].filter(Boolean);
  return over.length ? `${spec.operationId}: ${over.join(', ')} (${commands.join(', ')})` : undefined;
}
