/**
 * `npm run bench`, the parts that need the whole local stack (run.ts starts this in its own process
 * and formats what it prints, one JSON line):
 *
 * - Throughput and latency through the local gateway: autocannon (its own process) at each
 *   concurrency against a few routes, and beside each the floor: the DynamoDB commands that one
 *   request of the route sent, recorded live and replayed from this process (the one the handlers
 *   run in) with a client of its own, at the same concurrency, for the same time.
 * - A full calendar sync of 10,000 events against the Google emulator, then an unchanged
 *   incremental one: events/s, Google calls, DynamoDB commands and write units.
 *
 * BENCH_LOAD_SECONDS (default 5) is the length of each measured cell, BENCH_LOAD_CONCURRENCY
 * (default 1,8,32) the concurrencies, BENCH_SYNC_EVENTS (default 10000) the calendar's size.
 */
import { spawn } from 'node:child_process';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { localQueue } from '../../functions/adapters/queue';
import { routes } from '../../functions/api/routes';
import { ddb } from '../../functions/data/client';
import { keys } from '../../functions/data/keys';
import { membershipPut } from '../../functions/data/memberships';
import { newMembership } from '../../functions/domain/memberships';
import { syncConnection } from '../../functions/jobs/sync-connection';
import { devSubject } from '../../infra/local/dev-identity';
import { localCredentials } from '../../infra/local/dynamodb';
import { freePort } from '../../infra/local/ports';
import { localTableName, startLocalStack } from '../../infra/local/stack';
import { setEntitlements } from '../../infra/scripts/set-entitlements';
import type { Measured } from './load-report';

const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const concurrencies = (process.env.BENCH_LOAD_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const syncEvents = Number(process.env.BENCH_SYNC_EVENTS ?? 10_000);
const seededMembers = 20;
const log = (line: string) => process.stderr.write(`${line}\n`);

process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
// One bench owner creates an org per PATCH connection (32), beyond the per-account cap of 5.
process.env.MAX_ORGS_CREATED_PER_USER = '100';
const stack = await startLocalStack({ port: await freePort() });
// Nothing else runs in this process while it measures: no dispatcher, no queue draining.
stack.scheduler.stop();
const api = `${stack.url}/api`;

async function request(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return { res, body: text ? JSON.parse(text) : undefined };
}

// ---- The seed: an owner, an org with members and agents ----
const owner = 'load-owner@example.com';
const token = stack.devIdentity.mint(owner, 'Load Owner');
await request(token, 'GET', '/me');
const orgId: string = (await request(token, 'POST', '/orgs', { name: 'Load org' })).body.id;
// A plan with room for the members and agents below, as the platform operator would set it.
await setEntitlements({ orgId, plan: 'professional', operator: owner });
const seedDb = ddb();
// Members straight into the table (the invite flow's rate limits are not what this measures).
for (let i = 0; i < seededMembers; i++) {
  const email = `member${i}@load.example.com`;
  const member = newMembership(orgId, { id: devSubject(email), email }, 'member', [], new Date());
  await seedDb.send(new TransactWriteCommand({ TransactItems: [membershipPut(member)] }));
}
await seedDb.send(
  new UpdateCommand({
    TableName: localTableName,
    Key: keys.org(orgId),
    UpdateExpression: 'ADD memberCount :n',
    ExpressionAttributeValues: { ':n': seededMembers },
  }),
);
for (const name of ['Receptionist', 'Helpdesk', 'Scheduler'])
  await request(token, 'POST', `/orgs/${orgId}/agents`, { name, type: 'chat' });

// ---- Recording the DynamoDB commands of one request ----
interface Sent {
  name: string;
  input: Record<string, unknown>;
  start: number;
  end: number;
}
let recording: Sent[] | undefined;
let inFlight = 0;
let lastCommandAt = 0;
ddb().middlewareStack.add(
  (next, context) => async (args) => {
    const entry = { name: String(context.commandName), input: structuredClone(args.input), start: 0, end: 0 };
    entry.start = performance.now();
    inFlight++;
    try {
      return await next(args);
    } finally {
      inFlight--;
      entry.end = lastCommandAt = performance.now();
      recording?.push(entry as Sent);
    }
  },
  { step: 'initialize', name: 'benchRecord' },
);

/** Commands that overlapped in time went out together (Promise.all); the floor sends them so too. */
function groups(sent: Sent[]): Sent[][] {
  const ordered = [...sent].sort((a, b) => a.start - b.start);
  const out: Sent[][] = [];
  for (const s of ordered) {
    const last = out.at(-1);
    if (last && s.start < Math.max(...last.map((l) => l.end))) last.push(s);
    else out.push([s]);
  }
  return out;
}

const expressionKeys = [
  'UpdateExpression',
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
];
/**
 * A write that can be sent again and again: its conditions (versions, counters, absence) would
 * refuse every repeat after the first, so the floor sends it without them, to the same items.
 */
function unconditioned(input: Record<string, unknown>): Record<string, unknown> {
  const { ConditionExpression: _, ...rest } = input;
  const used = expressionKeys.map((k) => String(rest[k] ?? '')).join(' ');
  const keep = (map: unknown) => {
    // Whole placeholders only: `:limit` is not used by an expression that says `:limits`.
    const entries = Object.entries((map ?? {}) as Record<string, unknown>).filter(([k]) =>
      new RegExp(`${k}(?![A-Za-z0-9_])`).test(used),
    );
    return entries.length ? Object.fromEntries(entries) : undefined;
  };
  const names = keep(rest.ExpressionAttributeNames);
  const values = keep(rest.ExpressionAttributeValues);
  delete rest.ExpressionAttributeNames;
  delete rest.ExpressionAttributeValues;
  return {
    ...rest,
    ...(names ? { ExpressionAttributeNames: names } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  };
}

type Input = Record<string, any>;
const replay: Record<string, (input: Input) => object> = {
  GetItemCommand: (i) => new GetCommand(i as never),
  QueryCommand: (i) => new QueryCommand(i as never),
  BatchGetItemCommand: (i) => new BatchGetCommand(i as never),
  TransactGetItemsCommand: (i) => new TransactGetCommand(i as never),
  PutItemCommand: (i) => new PutCommand(unconditioned(i) as never),
  UpdateItemCommand: (i) => new UpdateCommand(unconditioned(i) as never),
  DeleteItemCommand: (i) => new DeleteCommand(unconditioned(i) as never),
  BatchWriteItemCommand: (i) => new BatchWriteCommand(i as never),
  TransactWriteItemsCommand: (i) =>
    new TransactWriteCommand({
      ...i,
      TransactItems: (i.TransactItems as Input[]).map((item) => {
        const [kind, body] = Object.entries(item)[0]!;
        return { [kind]: kind === 'ConditionCheck' ? body : unconditioned(body) };
      }),
    } as never),
};

const floorDb = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: stack.dynamo.endpoint, region: 'local', credentials: localCredentials }),
  { marshallOptions: { removeUndefinedValues: true } },
);

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;

/**
 * The floor: `concurrency` workers sending the recorded commands in their order, for `forSeconds`.
 * Worker i sends them for orgIds[i mod n] (the recorded org's id swapped in), as connection i of
 * the load generator does.
 */
async function floor(
  plan: Sent[][],
  orgIds: string[],
  concurrency: number,
  forSeconds: number,
): Promise<Measured> {
  const samples: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const until = performance.now() + forSeconds * 1000;
  const recorded = JSON.stringify(plan);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const mine = JSON.parse(recorded.replaceAll(orgId, orgIds[worker % orgIds.length]!)) as Sent[][];
      while (performance.now() < until) {
        const started = performance.now();
        try {
          for (const group of mine)
            await Promise.all(group.map((s) => floorDb.send(replay[s.name]!(s.input) as never)));
        } catch (error) {
          failed++;
          firstError ??= String(error);
        }
        samples.push(performance.now() - started);
      }
    }),
  );
  samples.sort((a, b) => a - b);
  if (firstError) log(`floor: ${failed} failed, first: ${firstError}`);
  return {
    rps: samples.length / forSeconds,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    failed,
  };
}

/** autocannon in its own process (autocannon.mjs); connection i requests paths[i mod n]. */
function autocannon(
  as: string,
  method: string,
  paths: string[],
  body: unknown,
  concurrency: number,
  forSeconds: number,
): Promise<Measured> {
  const options = {
    url: stack.url,
    paths: paths.map((p) => `/api${p}`),
    method,
    headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
    body,
    connections: concurrency,
    duration: forSeconds,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tests/bench/autocannon.mjs', JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as {
        requests: { total: number };
        latency: { p50: number; p99: number };
        duration: number;
        non2xx: number;
        errors: number;
        timeouts: number;
        statusCodeStats: Record<string, { count: number }>;
      };
      const failedAs: Record<string, number> = {};
      for (const [status, { count }] of Object.entries(r.statusCodeStats)) {
        if (!status.startsWith('2')) failedAs[status] = count;
      }
      if (r.timeouts) failedAs.timeout = r.timeouts;
      if (r.errors - r.timeouts > 0) failedAs.error = r.errors - r.timeouts;
      resolve({
        rps: r.requests.total / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        // autocannon counts a timeout among its errors too.
        failed: r.non2xx + r.errors,
        failedAs,
      });
    });
  });
}

/**
 * Waits until no DynamoDB command has been in flight for a while: requests autocannon left
 * unanswered when it stopped must not run into the next measurement (or the recording).
 */
async function quiet() {
  while (inFlight > 0 || performance.now() - lastCommandAt < 250) await new Promise((r) => setTimeout(r, 50));
}

// ---- Throughput ----
// Writes race only when they write the same item: each connection of the write run has an org of
// its own (owned by another user, so the owner's own org list stays one org long).
const writer = 'load-writer@example.com';
const writerToken = stack.devIdentity.mint(writer, 'Load Writer');
const writeOrgs: string[] = [];
for (let i = 0; i < Math.max(...concurrencies); i++)
  writeOrgs.push((await request(writerToken, 'POST', '/orgs', { name: `Write org ${i}` })).body.id);
const writes: Record<string, { body: unknown }> = { updateOrg: { body: { name: 'Load org' } } };
const measured = ['listMyOrgs', 'listMembers', 'updateOrg', 'listAgents', 'listTasks'].flatMap((id) => {
  const spec = routes.find((r) => r.operationId === id);
  return spec ? [spec] : [];
});
const throughput = [];
for (const spec of measured) {
  const write = writes[spec.operationId];
  const as = write ? writerToken : token;
  const orgIds = write ? writeOrgs : [orgId];
  const paths = orgIds.map((id) => spec.path.replace('{orgId}', id));
  log(`load: ${spec.method} ${spec.path}`);
  // Warms the handler module, the JIT and DynamoDB Local's JVM before anything is measured.
  await autocannon(as, spec.method, paths, write?.body, 8, 1);
  await quiet();
  recording = [];
  const { res } = await request(as, spec.method, paths[0]!, write?.body);
  const plan = groups(recording);
  recording = undefined;
  const recordedOrg = orgIds[0]!;
  const replayPlan = JSON.parse(JSON.stringify(plan).replaceAll(recordedOrg, orgId)) as Sent[][];
  await floor(replayPlan, orgIds, 8, 1);
  const cells = [];
  for (const concurrency of concurrencies) {
    await quiet();
    const route = await autocannon(as, spec.method, paths, write?.body, concurrency, seconds);
    await quiet();
    const base = await floor(replayPlan, orgIds, concurrency, seconds);
    cells.push({ concurrency, route, floor: base });
  }
  throughput.push({
    route: `${spec.method} ${spec.path}`,
    operationId: spec.operationId,
    status: res.status,
    commands: plan.map((g) => g.map((s) => s.name.replace(/Command$/, '')).join(' + ')),
    cells,
  });
}

// ---- Calendar sync ----
log(`calendar sync: ${syncEvents} events`);
const syncUser = 'sync-load@example.com';
const syncToken = stack.devIdentity.mint(syncUser, 'Sync Load');
await request(syncToken, 'GET', '/me');
const syncOrg: string = (await request(syncToken, 'POST', '/orgs', { name: 'Sync org' })).body.id;
const base = Date.now() - 20 * 86_400_000;
stack.google!.addEvents(
  syncUser,
  Array.from({ length: syncEvents }, (_, i) => {
    const start = new Date(base + i * 15 * 60_000);
    return {
      summary: `Meeting ${i}`,
      start: { dateTime: start.toISOString() },
      end: { dateTime: new Date(start.getTime() + 10 * 60_000).toISOString() },
    };
  }),
);
// The connect flow a browser goes through: authorize, Google's consent redirect, the callback.
const authorize = await request(syncToken, 'POST', `/orgs/${syncOrg}/calendar/google/authorize`);
const cookie = authorize.res.headers.get('set-cookie')!.split(';')[0]!;
const consent = await fetch(authorize.body.url, { redirect: 'manual' });
const callback = await fetch(consent.headers.get('location')!, { headers: { cookie }, redirect: 'manual' });
if (callback.status !== 302) throw new Error(`the OAuth callback answered ${callback.status}`);
localQueue.receive(100); // the first sync the callback queued: run below, where it is measured

const writeNames = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
async function measureSync() {
  const commands: Record<string, number> = {};
  let writeUnits = 0;
  let eventWrites = 0;
  const name = `benchSync${Math.random()}`;
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      commands[command.replace(/Command$/, '')] = (commands[command.replace(/Command$/, '')] ?? 0) + 1;
      if (!writeNames.has(command)) return next(args);
      const input = args.input as Input;
      input.ReturnConsumedCapacity = 'TOTAL';
      if (command === 'BatchWriteItemCommand')
        eventWrites += Object.values(input.RequestItems as Record<string, unknown[]>).flat().length;
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const c of [consumed].flat() as { CapacityUnits?: number }[]) writeUnits += c?.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name },
  );
  const google = stack.google!;
  const before = google.stats();
  const started = performance.now();
  const result = await syncConnection(syncOrg, devSubject(syncUser));
  const ms = performance.now() - started;
  const after = google.stats();
  ddb().middlewareStack.remove(name);
  if (result.outcome !== 'synced') throw new Error(`the sync ended ${JSON.stringify(result)}`);
  return {
    ms,
    pages: result.pages,
    eventCount: result.eventCount,
    googleCalls: after.eventsListCalls - before.eventsListCalls + (after.tokenCalls - before.tokenCalls),
    commands,
    writeUnits,
    eventWrites,
  };
}
const fullSync = await measureSync();
const incrementalSync = await measureSync();

await stack.stop();
console.log(
  JSON.stringify({
    seconds,
    seededMembers,
    throughput,
    sync: { events: syncEvents, full: fullSync, incremental: incrementalSync },
  }),
);
process.exit(0);
