/** Turns a function's access declaration into IAM statements scoped to this deployment's resources. */
import { Arn, ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../functions/data/table-definition';
import type { FunctionAccess } from './function-access';

export interface AccessTargets {
  table: ITable;
  /** Encrypts every secret under the prefix, the signing key included. */
  secretsKey: IKey;
  signingKey: ISecret;
  secretsPrefix: string;
  syncQueue?: IQueue;
  /** SES identity ARNs the sender may be verified as (address, domain); absent without mail. */
  mailIdentityArns?: string[];
}

const secretReadActions = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const secretActions = {
  read: secretReadActions,
  update: [...secretReadActions, 'secretsmanager:PutSecretValue'],
  write: [
    ...secretReadActions,
    'secretsmanager:PutSecretValue',
    'secretsmanager:CreateSecret',
    'secretsmanager:DeleteSecret',
  ],
};

/** What Lambda's SQS poller needs; the same list SqsEventSource grants, so the two statements merge. */
export const syncQueueConsumeActions = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/** `arn:…:secret:acp/<stage>/*`: every secret the project owns, nothing else in the account. */
export function secretsPrefixArn(scope: Construct, prefix: string): string {
  return Arn.format(
    {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    Stack.of(scope),
  );
}

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
  if (access.signingKey) {
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [t.signingKey.secretArn],
      }),
    );
    kmsActions.add('kms:Decrypt');
  }
  if (access.secrets) {
    statements.push(
      new PolicyStatement({
        actions: secretActions[access.secrets],
        resources: [secretsPrefixArn(scope, t.secretsPrefix)],
      }),
    );
    kmsActions.add('kms:Decrypt');
    // Secrets Manager envelope-encrypts new values with a data key from the stack key.
    if (access.secrets !== 'read') kmsActions.add('kms:GenerateDataKey');
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
  if (access.sendMail && t.mailIdentityArns) {
    statements.push(new PolicyStatement({ actions: ['ses:SendEmail'], resources: t.mailIdentityArns }));
  }
  return statements;
}
