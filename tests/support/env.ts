/**
 * Per test file: a fresh table in the run's DynamoDB Local and a dev identity provider whose keys
 * the handlers trust, set in the environment before any handler module reads its config.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, inject } from 'vitest';
import { createDevIdentity } from '../../infra/local/dev-identity';
import { ensureTable, localCredentials } from '../../infra/local/dynamodb';

export const devIssuer = 'http://127.0.0.1:9/dev';
export const identity = createDevIdentity(devIssuer);
export const tableName = `test-${randomUUID()}`;
export const dynamoEndpoint = inject('dynamoEndpoint');

Object.assign(process.env, {
  STAGE: 'local',
  TABLE_NAME: tableName,
  DYNAMODB_ENDPOINT: dynamoEndpoint,
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  DEV_ISSUER: devIssuer,
  DEV_ISSUER_JWKS: JSON.stringify(identity.jwks),
  TRUSTED_ISSUERS: '[]',
  // The deployment's first platform superadmin (README "Platform administration").
  PLATFORM_SUPERADMIN_EMAIL: 'root@platform.test',
  // The run's LLM stand-in (global-setup.ts): knowledge writes embed their chunks there.
  BEDROCK_ENDPOINT: inject('bedrockEndpoint'),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

const rawClient = new DynamoDBClient({
  endpoint: dynamoEndpoint,
  region: 'local',
  credentials: localCredentials,
});
// No stream unless a file starts the local stack, whose poller turns it on (createTableInput).
await ensureTable(rawClient, tableName, { stream: false });
// The run shares one DynamoDB Local: a file's table goes with the file, so later files do not
// carry earlier files' items.
afterAll(() => rawClient.send(new DeleteTableCommand({ TableName: tableName })));

/** Direct table access for assertions (what is stored, what is not). */
export const testDb = DynamoDBDocumentClient.from(rawClient);
