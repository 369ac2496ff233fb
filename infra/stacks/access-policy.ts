/** Turns a function's access declaration into IAM statements scoped to this deployment's resources. */
import { Arn, ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bedrockModels } from '../../functions/api/llm';
import { tableDefinition } from '../../functions/data/table-definition';
import { defaultEmbeddingModel } from '../../functions/lib/config';
import type { FunctionAccess, TokenSecretCall } from './function-access';

export interface AccessTargets {
  table: ITable;
  /** Encrypts every secret under the prefix, the signing key included. */
  secretsKey: IKey;
  signingKey: ISecret;
  secretsPrefix: string;
  /** Absent without Google: then no function is granted it. */
  googleClientSecretName?: string;
  /** Absent without LiveKit: then no function is granted it. */
  livekitSecretName?: string;
  syncQueue?: IQueue;
  /** The Cognito user pool org API clients live in; absent with PropelAuth (then none are created). */
  userPoolArn?: string;
  /** SES identity ARNs the sender may be verified as (address, domain); absent without mail. */
  mailIdentityArns?: string[];
  /** The live Event API's channel namespace (`<api arn>/channelNamespace/orgs`); the Live stack adds it. */
  liveNamespaceArn?: string;
}

const tokenSecretActions = {
  get: 'secretsmanager:GetSecretValue',
  put: 'secretsmanager:PutSecretValue',
  create: 'secretsmanager:CreateSecret',
  delete: 'secretsmanager:DeleteSecret',
} as const satisfies Record<TokenSecretCall, string>;

/**
 * Secrets created at run time, granted by path relative to the secrets prefix: Google tokens
 * (functions/adapters/calendar-tokens.ts names them) and agents' provider keys
 * (functions/adapters/agent-keys.ts).
 */
export const runtimeSecretPaths = { tokenSecrets: 'google-calendar/', agentKeySecrets: 'agents/' } as const;
export const tokenSecretPath = runtimeSecretPaths.tokenSecrets;

/** What Lambda's SQS poller needs; the same list SqsEventSource grants, so the two statements merge. */
export const syncQueueConsumeActions = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/** `arn:…:secret:<resourceName>` in this stack's partition, region and account. */
export function secretArn(scope: Construct, resourceName: string): string {
  return Arn.format(
    { service: 'secretsmanager', resource: 'secret', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME },
    Stack.of(scope),
  );
}

/**
 * Secrets Manager ends every ARN in `-` and six random characters; matching exactly those (as AWS
 * recommends) keeps the grant off any other secret whose name merely starts with the same text.
 */
const randomSuffix = '-??????';

export function accessStatements(
  scope: Construct,
  access: FunctionAccess,
  t: AccessTargets,
): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (access.table.length > 0) {
    const resources = [t.table.tableArn];
    // Each index by name (from the shared definition) rather than `index/*`: no wildcard to grow into.
    if (access.table.includes('dynamodb:Query')) {
      resources.push(
        ...tableDefinition.globalSecondaryIndexes.map((g) => `${t.table.tableArn}/index/${g.indexName}`),
      );
    }
    statements.push(new PolicyStatement({ actions: [...access.table].sort(), resources }));
  }

  const kmsActions = new Set<string>();
  // Read-only grants on the two fixed secrets, each by its own ARN.
  if (access.signingKey) {
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [t.signingKey.secretArn],
      }),
    );
    kmsActions.add('kms:Decrypt');
  }
  // Stored by the operator without a key id (README), so the AWS managed key encrypts it and its
  // key policy lets Secrets Manager decrypt for any principal allowed to read the secret.
  if (access.googleClientSecret && t.googleClientSecretName) {
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn(scope, `${t.googleClientSecretName}${randomSuffix}`)],
      }),
    );
  }
  // Stored by the operator like the Google client secret (AWS managed key, README).
  if (access.livekitSecret && t.livekitSecretName) {
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn(scope, `${t.livekitSecretName}${randomSuffix}`)],
      }),
    );
  }
  for (const [family, path] of Object.entries(runtimeSecretPaths) as [
    keyof typeof runtimeSecretPaths,
    string,
  ][]) {
    const calls = access[family] ?? [];
    if (calls.length === 0) continue;
    statements.push(
      new PolicyStatement({
        actions: calls.map((call) => tokenSecretActions[call]).sort(),
        resources: [secretArn(scope, `${t.secretsPrefix}/${path}*`)],
      }),
    );
    // These secrets are created with the stack key; writing a value needs a new data key, and
    // Secrets Manager also decrypts with the key when it changes or returns a value.
    if (calls.some((call) => call !== 'delete')) kmsActions.add('kms:Decrypt');
    if (calls.includes('put') || calls.includes('create')) kmsActions.add('kms:GenerateDataKey');
  }
  if (kmsActions.size > 0) {
    statements.push(
      new PolicyStatement({
        actions: [...kmsActions].sort(),
        resources: [t.secretsKey.keyArn],
        // Only on behalf of Secrets Manager: the key is not a general encryption service for functions.
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }

  if (access.sendToSyncQueue) {
    if (!t.syncQueue) throw new Error('sendToSyncQueue declared but no sync queue was given');
    statements.push(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [t.syncQueue.queueArn] }));
  }
  if (access.consumeSyncQueue) {
    if (!t.syncQueue) throw new Error('consumeSyncQueue declared but no sync queue was given');
    statements.push(
      new PolicyStatement({ actions: syncQueueConsumeActions, resources: [t.syncQueue.queueArn] }),
    );
  }
  if (access.publishLiveEvents) {
    if (!t.liveNamespaceArn) throw new Error('publishLiveEvents declared but no live namespace was given');
    statements.push(
      new PolicyStatement({ actions: ['appsync:EventPublish'], resources: [t.liveNamespaceArn] }),
    );
  }
  if (access.embedKnowledge) {
    statements.push(
      new PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [
          Arn.format(
            {
              service: 'bedrock',
              account: '',
              resource: 'foundation-model',
              resourceName: defaultEmbeddingModel,
            },
            Stack.of(scope),
          ),
        ],
      }),
    );
  }
  if (access.invokeModels) {
    statements.push(
      new PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: bedrockModels.map((id) =>
          Arn.format(
            { service: 'bedrock', account: '', resource: 'foundation-model', resourceName: id },
            Stack.of(scope),
          ),
        ),
      }),
    );
  }
  if (access.userPoolClients && t.userPoolArn) {
    statements.push(
      new PolicyStatement({
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [t.userPoolArn],
      }),
    );
  }
  if (access.deleteUserPoolClients && t.userPoolArn) {
    statements.push(
      new PolicyStatement({ actions: ['cognito-idp:DeleteUserPoolClient'], resources: [t.userPoolArn] }),
    );
  }
  if (access.sendMail && t.mailIdentityArns) {
    statements.push(new PolicyStatement({ actions: ['ses:SendEmail'], resources: t.mailIdentityArns }));
  }
  return statements;
}
