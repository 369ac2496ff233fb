/**
 * DynamoDB round-trip budgets per route, in one place: tests/integration/round-trip-budgets.test.ts
 * fails a route over its budget, and `npm run bench` shows them beside what the integration tests
 * recorded. Default: a read route makes at most 3 reads including authorization (the caller's
 * profile, and for org routes the membership); a write route makes at most one write (one
 * transaction or one single-item write) plus the authorization reads. A caller's first request
 * also creates their profile ("SignIn:PutItem"), which belongs to authentication and is not counted.
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
export const exceptions: Record<string, Budget> = {};

/** Reads authorization itself makes: the caller's profile, plus the membership on org routes. */
export function authorizationReads(spec: RouteSpec): number {
  if (spec.auth.kind === 'public') return 0;
  return spec.auth.kind === 'org' ? 2 : 1;
}

export function budgetOf(spec: RouteSpec): Budget {
  const exception = exceptions[spec.operationId];
  if (exception) return exception;
  return spec.method === 'GET' ? { reads: 3, writes: 0 } : { reads: authorizationReads(spec), writes: 1 };
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
