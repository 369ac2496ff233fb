/** Environment read once per container; every module gets its settings here, not from process.env. */
import { z } from 'zod';

const IssuerConfig = z.object({
  issuer: z.string().url(),
  /** Expected `aud` (or Cognito `client_id`); null accepts any audience, e.g. Cognito access tokens. */
  audience: z.union([z.string(), z.array(z.string())]).nullable(),
  jwksUri: z.string().url().optional(),
});
export type IssuerConfig = z.infer<typeof IssuerConfig>;

const Env = z.object({
  STAGE: z.string().default('local'),
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  TRUSTED_ISSUERS: z.string().default('[]'),
  DEV_ISSUER: z.string().url().optional(),
  DEV_ISSUER_JWKS: z.string().optional(),
  SIGNING_KEY_SECRET_ARN: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export interface AppConfig {
  stage: string;
  isLocal: boolean;
  tableName: string;
  region: string;
  dynamoEndpoint: string | undefined;
  trustedIssuers: IssuerConfig[];
  /** Only honoured when stage is `local`: the dev identity provider's issuer and its JWKS. */
  devIssuer: { issuer: string; jwks: unknown } | undefined;
  /** Secrets Manager secret holding the HMAC key for cursors and OAuth state (lib/signing.ts). */
  signingKeySecretArn: string | undefined;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= load();
  return cached;
}

function load(): AppConfig {
  const env = Env.parse(process.env);
  const isLocal = env.STAGE === 'local';
  const trustedIssuers = z.array(IssuerConfig).parse(JSON.parse(env.TRUSTED_ISSUERS));
  const devIssuer =
    isLocal && env.DEV_ISSUER && env.DEV_ISSUER_JWKS
      ? { issuer: env.DEV_ISSUER, jwks: JSON.parse(env.DEV_ISSUER_JWKS) }
      : undefined;
  return {
    stage: env.STAGE,
    isLocal,
    tableName: env.TABLE_NAME,
    region: env.AWS_REGION,
    dynamoEndpoint: env.DYNAMODB_ENDPOINT,
    trustedIssuers,
    devIssuer,
    signingKeySecretArn: env.SIGNING_KEY_SECRET_ARN,
    logLevel: env.LOG_LEVEL,
  };
}
