/**
 * The environment every deployed function reads through functions/lib/config.ts. The dev issuer
 * variables (DEV_ISSUER, DEV_ISSUER_JWKS) are never set here: that identity provider is local-only.
 */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';

export interface TrustedIssuer {
  issuer: string;
  /** null: any client of the issuer (Cognito access tokens carry client_id, not aud). */
  audience: string | null;
}

export interface EnvironmentInputs {
  config: DeployConfig;
  table: ITable;
  secretsKey: IKey;
  signingKey: ISecret;
  trustedIssuers: TrustedIssuer[];
  syncQueueUrl?: string;
}

/** How often the dispatcher runs; connections themselves are due every SYNC_INTERVAL_MINUTES. */
export const dispatchEveryMinutes = 5;
export const syncIntervalMinutes = 15;

/** A partial ARN (name without the random suffix), which GetSecretValue accepts. */
function secretArnByName(scope: Construct, name: string): string {
  return Arn.format(
    {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    Stack.of(scope),
  );
}

export function functionEnvironment(scope: Construct, inputs: EnvironmentInputs): Record<string, string> {
  const { config } = inputs;
  const env: Record<string, string> = {
    STAGE: config.stage,
    LOG_LEVEL: 'info',
    TABLE_NAME: inputs.table.tableName,
    TRUSTED_ISSUERS: Stack.of(scope).toJsonString(inputs.trustedIssuers),
    SIGNING_KEY_SECRET_ARN: inputs.signingKey.secretArn,
    SECRETS_PREFIX: `${config.secretsPrefix}/`,
    SECRETS_KMS_KEY_ID: inputs.secretsKey.keyArn,
    SYNC_INTERVAL_MINUTES: String(syncIntervalMinutes),
  };
  if (config.webOrigin) env.WEB_ORIGIN = config.webOrigin;
  if (inputs.syncQueueUrl) env.SYNC_QUEUE_URL = inputs.syncQueueUrl;
  if (config.google) {
    env.GOOGLE_CLIENT_ID = config.google.clientId;
    env.GOOGLE_CLIENT_SECRET_ARN = secretArnByName(scope, config.google.clientSecretName);
  }
  if (config.livekit) {
    env.LIVEKIT_URL = config.livekit.url;
    env.LIVEKIT_SECRET_ARN = secretArnByName(scope, config.livekit.secretName);
  }
  if (config.mailFrom) env.MAIL_FROM = config.mailFrom;
  return env;
}
