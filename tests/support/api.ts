/**
 * Calls the real handler modules with API Gateway v2 events, matched through the route table
 * exactly as the local gateway and API Gateway do.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorStatuses } from '../../functions/api/openapi';
import { routes } from '../../functions/api/routes';
import { buildEvent, compileRoutes, matchRoute } from '../../infra/local/gateway';
import { budgetOf, overBudget } from '../bench/round-trip-budgets';
import { identity, tableName } from './env';

const compiled = compileRoutes(routes);

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface CallOptions {
  token?: string | null;
  /** Signs a dev token for this email (the same email is always the same user). */
  as?: string;
  body?: unknown;
  /** Sent as is (bytes for a raw-body route such as a voice turn, with its content-type header). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export function tokenFor(email: string, name?: string): string {
  return identity.mint(email, name);
}

export async function call<T = any>(method: string, pathAndQuery: string, options: CallOptions = {}) {
  const url = new URL(pathAndQuery, 'http://api.local');
  const matched = matchRoute(compiled, method, url.pathname);
  if (!matched) throw new Error(`test called ${method} ${url.pathname}, which is not in the route table`);
  const token = options.token ?? (options.as ? tokenFor(options.as) : undefined);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  const raw = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const event = buildEvent(
    {
      method,
      path: url.pathname,
      headers,
      query: url.searchParams,
      body: raw?.length ? Buffer.from(raw) : undefined,
    },
    matched.spec,
    matched.pathParameters,
  );
  const { handler } = (await import(`../../functions/http/${matched.spec.module}.ts`)) as {
    handler: (e: typeof event, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  };
  const sent: string[] = [];
  await watchRoundTrips();
  const result = await currentCall.run(sent, () =>
    handler(event, { awsRequestId: event.requestContext.requestId } as Context),
  );
  recordRoundTrips(matched.spec.operationId, sent);
  const text = result.body ?? '';
  const status = result.statusCode ?? 200;
  // Every call stays within its route's DynamoDB round-trip budget (tests/bench/round-trip-budgets.ts).
  const over = overBudget(matched.spec, sent, url.searchParams);
  if (over) {
    const budget = budgetOf(matched.spec, url.searchParams);
    throw new Error(
      `${method} ${url.pathname} (it answered ${status}) is over its DynamoDB round-trip budget of ${budget.reads} reads and ${budget.writes} writes${budget.reason ? ` (exception: ${budget.reason})` : ''}: ${over}. Send fewer commands, or declare the exception with its reason in tests/bench/round-trip-budgets.ts.`,
    );
  }
  // The OpenAPI document must list every answer a route gives: an undocumented one fails the test that saw it.
  const documented = [matched.spec.successStatus, ...Object.keys(errorStatuses(matched.spec)).map(Number)];
  if (!documented.includes(status)) {
    throw new Error(
      `${matched.spec.operationId} answered ${status}, which its OpenAPI operation does not list (add it to the route's errors): ${text}`,
    );
  }
  return {
    status,
    headers: (result.headers ?? {}) as Record<string, string>,
    // Newline-delimited JSON (a streamed answer) reads as the list of its lines.
    body: !text
      ? undefined
      : (result.headers ?? {})['content-type'] === 'application/x-ndjson'
        ? text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : JSON.parse(text),
  } as ApiResponse<T>;
}

/** Captures everything the handlers log while `fn` runs. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await fn();
    return { result, output: chunks.join('') };
  } finally {
    process.stdout.write = original;
  }
}

/** Counts the DynamoDB round trips the handlers make while `fn` runs, by command name. */
export async function countRoundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const { ddb } = await import('../../functions/data/client');
  const calls: string[] = [];
  const name = `round-trip-counter-${Math.random()}`;
  ddb().middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await fn(), calls };
  } finally {
    ddb().middlewareStack.remove(name);
  }
}

/**
 * DynamoDB round trips per route. Every `call` runs its handler inside an async context holding
 * its own list; a middleware on the shared document client appends each command sent within that
 * context, so concurrent calls in one test are told apart. The maximum per operationId is written
 * after every call to .tmp/round-trips/<table>.json (one file per test file; `npm run bench` merges
 * them into REPORT.md), and the calls of this process are kept for tests/integration/round-trip-budgets.test.ts.
 */
const currentCall = new AsyncLocalStorage<string[]>();
/** Calls whose sign-in Put lost a race, so their next GetItem re-reads the winner's profile. */
const signInLost = new WeakSet<string[]>();
let watching: Promise<void> | undefined;
function watchRoundTrips(): Promise<void> {
  watching ??= import('../../functions/data/client').then(({ ddb }) => {
    ddb().middlewareStack.add(
      (next, context) => (args) => {
        const name = String(context.commandName).replace(/Command$/, '');
        // A caller's first request creates their profile (a conditional Put of a USER item): part
        // of authentication, recorded apart so route budgets see it for what it is.
        const input = args.input as { Item?: { type?: unknown }; ConditionExpression?: string };
        const type = input.Item?.type;
        const signIn =
          name === 'PutItem' &&
          (type === 'USER' || (type as { S?: string })?.S === 'USER') &&
          /attribute_not_exists/.test(input.ConditionExpression ?? '');
        const sent = currentCall.getStore();
        // When concurrent first requests race, the losing Put is followed by a Get of the profile
        // the winner created: authentication too.
        const reread = name === 'GetItem' && sent !== undefined && signInLost.delete(sent);
        sent?.push(signIn ? 'SignIn:PutItem' : reread ? 'SignIn:GetItem' : name);
        if (!signIn || !sent) return next(args);
        return next(args).catch((error: unknown) => {
          signInLost.add(sent);
          throw error;
        });
      },
      { step: 'initialize', name: 'roundTripsPerRoute' },
    );
  });
  return watching;
}

export interface RoundTripRecord {
  /** Most DynamoDB commands one call of this route sent, and the commands of that call. */
  max: number;
  commands: string[];
  calls: number;
}
export const roundTripsByRoute = new Map<string, RoundTripRecord>();
/** Every call of this process, in order: which route, which commands. */
export const roundTripLog: { operationId: string; commands: string[] }[] = [];

const roundTripDir = resolve('.tmp', 'round-trips');
function recordRoundTrips(operationId: string, commands: string[]): void {
  roundTripLog.push({ operationId, commands });
  const seen = roundTripsByRoute.get(operationId);
  if (!seen) roundTripsByRoute.set(operationId, { max: commands.length, commands, calls: 1 });
  else {
    seen.calls++;
    if (commands.length > seen.max) Object.assign(seen, { max: commands.length, commands });
  }
  mkdirSync(roundTripDir, { recursive: true });
  writeFileSync(
    join(roundTripDir, `${tableName}.json`),
    JSON.stringify({ routes: Object.fromEntries(roundTripsByRoute) }),
  );
}
