/**
 * Warm-path latency of GET /me, and the CPU time per warm request of the SDK floor's handler,
 * GET /me and GET /orgs/{orgId}/tasks (the memory table scales it): the real handlers, real API
 * Gateway v2 events, DynamoDB Local.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getMe } from '../../functions/api/routes/profile';
import { listTasks } from '../../functions/api/routes/tasks';
import { createOrg } from '../../functions/api/routes/tenancy';
import { createDevIdentity } from '../../infra/local/dev-identity';
import { ensureTable, localCredentials, startDynamoLocal } from '../../infra/local/dynamodb';
import { buildEvent } from '../../infra/local/gateway';

// run.ts passes its DynamoDB Local; run alone, this starts one.
const shared = process.env.BENCH_DYNAMODB_ENDPOINT;
const dynamo = shared
  ? {
      endpoint: shared,
      client: new DynamoDBClient({ endpoint: shared, region: 'local', credentials: localCredentials }),
      stop: async () => {},
    }
  : await startDynamoLocal();
const identity = createDevIdentity('http://127.0.0.1:9/dev');
await ensureTable(dynamo.client, 'bench-warm', { stream: false });
Object.assign(process.env, {
  STAGE: 'local',
  TABLE_NAME: 'bench-warm',
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  DEV_ISSUER: identity.issuer,
  DEV_ISSUER_JWKS: JSON.stringify(identity.jwks),
  LOG_LEVEL: 'silent',
});
type Handler = (e: unknown, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const { handler } = (await import('../../functions/http/me')) as unknown as { handler: Handler };
const tasks = (await import('../../functions/http/tasks')) as unknown as { handler: Handler };
const orgs = (await import('../../functions/http/orgs')) as unknown as { handler: Handler };
const token = identity.mint('bench@example.com');
const event = () =>
  buildEvent({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${token}` } }, getMe, {});

/** p50 and p95 of `n` timed calls after 20 untimed ones (the first requests warm the connection). */
async function timed(n: number, call: (i: number) => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const started = performance.now();
    await call(i);
    if (i >= 20) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { n, p50: at(0.5), p95: at(0.95) };
}

const route = await timed(200, async (i) => {
  const res = await handler(event(), { awsRequestId: String(i) } as Context);
  if (res.statusCode !== 200) throw new Error(`GET /me answered ${res.statusCode}`);
});
// The floor: one GetItem from this process to the same DynamoDB Local, what GET /me cannot avoid.
const floor = await timed(200, async () => {
  await dynamo.client.send(
    new GetItemCommand({ TableName: 'bench-warm', Key: { pk: { S: 'USER#bench' }, sk: { S: 'PROFILE' } } }),
  );
});

/** CPU milliseconds per request (user + system) over `n` warm requests: what Lambda bills by memory. */
async function cpuPerRequest(n: number, call: () => Promise<void>) {
  for (let i = 0; i < 20; i++) await call();
  const started = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(started);
  return { cpuMs: (used.user + used.system) / 1000 / n, wallMs: (performance.now() - wall) / n };
}
const created = await orgs.handler(
  buildEvent(
    {
      method: 'POST',
      path: '/orgs',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ name: 'Warm bench org' })),
    },
    createOrg,
    {},
  ),
  { awsRequestId: 'org' } as Context,
);
const orgId = JSON.parse(created.body ?? '{}').id as string;
const tasksEvent = () =>
  buildEvent(
    { method: 'GET', path: `/orgs/${orgId}/tasks`, headers: { authorization: `Bearer ${token}` } },
    listTasks,
    { orgId },
  );
const floorHandler = (await import('./floors/sdk')) as unknown as { handler: Handler };
const cpu = {
  floor: await cpuPerRequest(300, async () => {
    await floorHandler.handler(event(), { awsRequestId: 'cpu' } as Context);
  }),
  me: await cpuPerRequest(300, async () => {
    await handler(event(), { awsRequestId: 'cpu' } as Context);
  }),
  tasks: await cpuPerRequest(300, async () => {
    const res = await tasks.handler(tasksEvent(), { awsRequestId: 'cpu' } as Context);
    if (res.statusCode !== 200) throw new Error(`GET tasks answered ${res.statusCode}`);
  }),
};
await dynamo.stop();
console.log(JSON.stringify({ ...route, floor, cpu }));
