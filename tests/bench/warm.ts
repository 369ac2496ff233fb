/** Warm-path latency of GET /me: the real handler, a real API Gateway v2 event, DynamoDB Local. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getMe } from '../../functions/api/routes/profile';
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
const { handler } = (await import('../../functions/http/me')) as unknown as {
  handler: (e: unknown, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
};
const token = identity.mint('bench@example.com');
const event = () =>
  buildEvent({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${token}` } }, getMe, {});

const samples: number[] = [];
for (let i = 0; i < 220; i++) {
  const started = performance.now();
  const res = await handler(event(), { awsRequestId: String(i) } as Context);
  if (res.statusCode !== 200) throw new Error(`GET /me answered ${res.statusCode}`);
  if (i >= 20) samples.push(performance.now() - started);
}
await dynamo.stop();
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
console.log(JSON.stringify({ n: samples.length, p50: at(0.5), p95: at(0.95) }));
