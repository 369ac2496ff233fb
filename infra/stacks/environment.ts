/**
 * The environment every deployed function reads through functions/lib/config.ts. The dev issuer
 * variables (DEV_ISSUER, DEV_ISSUER_JWKS) are never set here: that identity provider is local-only.
 */
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { IssuerConfig } from '../../functions/lib/config';
import type { DeployConfig } from '../config';
import { type AccessTargets, secretArn } from './access-policy';

/** One TRUSTED_ISSUERS entry, typed by the schema the functions parse it with so the two agree. */
export type TrustedIssuer = IssuerConfig;

export interface EnvironmentInputs {
  config: DeployConfig;
  /** The resources the functions are granted are the ones they are told about. */
  targets: AccessTargets;
  trustedIssuers: TrustedIssuer[];
  /** Client-credentials callers (README "Machine callers"); absent with PropelAuth. */
  machineCallers?: MachineCallers;
}

/** The Cognito side of machine callers, from the Auth stack. */
export interface MachineCallers {
  issuer: string;
  resourceServer: string;
  runtimeClientId: string;
  userPoolId: string;
  tokenUrl: string;
}

/** How often the dispatcher runs; connections themselves are due every SYNC_INTERVAL_MINUTES. */
export const dispatchEveryMinutes = 5;
export const syncIntervalMinutes = 15;

export function functionEnvironment(scope: Construct, inputs: EnvironmentInputs): Record<string, string> {
  const { config, targets } = inputs;
  const env: Record<string, string> = {
    STAGE: config.stage,
    LOG_LEVEL: 'info',
    TABLE_NAME: targets.table.tableName,
    TRUSTED_ISSUERS: Stack.of(scope).toJsonString(inputs.trustedIssuers),
    SIGNING_KEY_SECRET_ARN: targets.signingKey.secretArn,
    SECRETS_PREFIX: `${config.secretsPrefix}/`,
    SECRETS_KMS_KEY_ID: targets.secretsKey.keyArn,
    SYNC_INTERVAL_MINUTES: String(syncIntervalMinutes),
  };
  if (config.webOrigin) env.WEB_ORIGIN = config.webOrigin;
  if (targets.syncQueue) env.SYNC_QUEUE_URL = targets.syncQueue.queueUrl;
  if (config.google) {
    env.GOOGLE_CLIENT_ID = config.google.clientId;
    // A partial ARN (no random suffix), which GetSecretValue accepts.
    env.GOOGLE_CLIENT_SECRET_ARN = secretArn(scope, config.google.clientSecretName);
  }
  if (config.livekit) {
    env.LIVEKIT_URL = config.livekit.url;
    // The key and secret are read from it at run time (functions/adapters/livekit.ts), never set here.
    env.LIVEKIT_SECRET_ARN = secretArn(scope, config.livekit.secretName);
    if (config.livekit.sipTrunkId) env.LIVEKIT_SIP_TRUNK_ID = config.livekit.sipTrunkId;
  }
  if (inputs.machineCallers) {
    env.MACHINE_ISSUER = inputs.machineCallers.issuer;
    env.API_RESOURCE_SERVER = inputs.machineCallers.resourceServer;
    env.RUNTIME_CLIENT_ID = inputs.machineCallers.runtimeClientId;
    env.USER_POOL_ID = inputs.machineCallers.userPoolId;
    env.TOKEN_URL = inputs.machineCallers.tokenUrl;
  }
  if (config.mailFrom) env.MAIL_FROM = config.mailFrom;
  if (config.platformSuperadminEmail) env.PLATFORM_SUPERADMIN_EMAIL = config.platformSuperadminEmail;
  return env;
}
