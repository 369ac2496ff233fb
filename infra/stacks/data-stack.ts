/**
 * The single table, built from the shared definition that DynamoDB Local also uses, and the
 * customer-managed key that encrypts every secret under the stage's prefix, plus the generated
 * HMAC signing key (cursors, OAuth state). Outside dev stages all of it survives stack deletion.
 */
import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../functions/data/table-definition';
import type { DeployConfig } from '../config';

export interface DataStackProps extends StackProps {
  config: DeployConfig;
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly secretsKey: Key;
  readonly signingKey: Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const string = (name: string) => ({ name, type: AttributeType.STRING });

    this.table = new Table(this, 'Table', {
      partitionKey: string(tableDefinition.partitionKey),
      sortKey: string(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      stream: StreamViewType[tableDefinition.streamViewType],
      deletionProtection: !config.isDev,
      removalPolicy,
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }

    this.secretsKey = new Key(this, 'SecretsKey', {
      description: `${config.namePrefix}: encrypts the secrets under ${config.secretsPrefix}/`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.signingKey = new Secret(this, 'SigningKey', {
      secretName: `${config.secretsPrefix}/signing-key`,
      description: 'HMAC key for paging cursors and OAuth state',
      encryptionKey: this.secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only signs short-lived cursors and OAuth state; rotating it without dual-key ' +
        'verification would only invalidate those, so it is rotated by replacing the secret.',
    });
  }
}
