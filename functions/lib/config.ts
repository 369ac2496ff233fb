/** Environment read once per container; every module gets its settings here, not from process.env. */
import * as z from 'zod/mini';

const IssuerConfig = z.object({
  issuer: z.url(),
  /** Expected `aud` (for Cognito ID tokens, the app client id). Always explicit (RFC 8725 3.9). */
  audience: z.union([
    z.string().check(z.minLength(1)),
    z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  ]),
  /** Cognito's `token_use` claim this API accepts; the API reads the email, which only ID tokens carry. */
  tokenUse: z.optional(z.enum(['id', 'access'])),
  jwksUri: z.optional(z.url()),
});
export type IssuerConfig = z.infer<typeof IssuerConfig>;

/** The embedding model knowledge is searched with, unless KNOWLEDGE_EMBEDDING_MODEL says otherwise (IAM grants it). */
export const defaultEmbeddingModel = 'amazon.titan-embed-text-v2:0';

const Env = z.object({
  STAGE: z._default(z.string(), 'local'),
  TABLE_NAME: z.string().check(z.minLength(1)),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  TRUSTED_ISSUERS: z._default(z.string(), '[]'),
  DEV_ISSUER: z.optional(z.url()),
  DEV_ISSUER_JWKS: z.optional(z.string()),
  SIGNING_KEY_SECRET_ARN: z.optional(z.string()),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  ORIGIN_SECRET: z.optional(z.string().check(z.minLength(1))),
  WEB_ORIGIN: z.optional(z.url()),
  MAIL_FROM: z._default(z.email(), 'no-reply@agent-control-plane.dev'),
  GOOGLE_CLIENT_ID: z.optional(z.string()),
  GOOGLE_CLIENT_SECRET_ARN: z.optional(z.string()),
  GOOGLE_EMULATOR_URL: z.optional(z.url()),
  GOOGLE_RETRY_BASE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 400),
  GOOGLE_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(8)), 4),
  GOOGLE_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100)), 10_000),
  SECRETS_PREFIX: z.optional(z.string()),
  SECRETS_KMS_KEY_ID: z.optional(z.string()),
  SECRETS_ENDPOINT: z.optional(z.url()),
  LOCAL_SECRETS_DIR: z._default(z.string(), '.data/secrets'),
  SYNC_QUEUE_URL: z.optional(z.url()),
  SYNC_SHARDS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(64)), 8),
  SYNC_INTERVAL_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1)), 15),
  SYNC_LEASE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(10)), 300),
  AGENT_ENDPOINTS_ALLOW_PRIVATE: z.optional(z.enum(['true', 'false'])),
  /** Titan Text Embeddings V2 for hybrid retrieval; `none` leaves search lexical (a region without Titan). */
  KNOWLEDGE_EMBEDDING_MODEL: z._default(z.string().check(z.minLength(1)), defaultEmbeddingModel),
  /** Titan V2 answers in 256, 512 or 1024 dimensions (README "Hybrid retrieval" says why 512). */
  KNOWLEDGE_EMBEDDING_DIMENSIONS: z.pipe(
    z._default(z.enum(['256', '512', '1024']), '512'),
    z.transform(Number),
  ),
  KNOWLEDGE_EMBED_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100)), 12_000),
  KNOWLEDGE_QUERY_EMBED_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(50)), 2_000),
  LIVEKIT_URL: z.optional(z.url()),
  LIVEKIT_API_KEY: z.optional(z.string().check(z.minLength(1))),
  LIVEKIT_API_SECRET: z.optional(z.string().check(z.minLength(1))),
  LIVEKIT_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  LIVEKIT_SIP_TRUNK_ID: z.optional(z.string().check(z.minLength(1))),
  LIVE_EVENTS_URL: z.optional(z.url()),
  MACHINE_ISSUER: z.optional(z.url()),
  MACHINE_JWKS_URI: z.optional(z.url()),
  API_RESOURCE_SERVER: z._default(z.string().check(z.minLength(1)), 'agent-control-plane'),
  RUNTIME_CLIENT_ID: z.optional(z.string().check(z.minLength(1))),
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  COGNITO_ENDPOINT: z.optional(z.url()),
  TOKEN_URL: z.optional(z.url()),
  PLATFORM_SUPERADMIN_EMAIL: z.optional(z.email()),
  INVITES_PER_ORG_PER_HOUR: z._default(z.coerce.number().check(z.int(), z.gte(1)), 50),
  INVITES_PER_USER_PER_HOUR: z._default(z.coerce.number().check(z.int(), z.gte(1)), 20),
  TEST_CALLS_PER_ORG_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 20),
  TEST_CALLS_PER_CALLER_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 5),
  SEARCHES_PER_ORG_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 300),
  SEARCHES_PER_CALLER_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 60),
  VOICE_PREVIEWS_PER_ORG_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 30),
  VOICE_PREVIEWS_PER_CALLER_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 10),
  MAX_ORGS_CREATED_PER_USER: z._default(z.coerce.number().check(z.int(), z.gte(1)), 5),
  BEDROCK_ENDPOINT: z.optional(z.url()),
  LLM_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100)), 25_000),
  LLM_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(4)), 2),
  MESSAGES_PER_ORG_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 60),
  HISTORY_MESSAGES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(100)), 20),
  HISTORY_CHARS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 12_000),
  RETRIEVED_PASSAGES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(20)), 4),
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
  /**
   * The secret CloudFront sends in x-origin-verify on its way to the HTTP API; set, requests without
   * it are refused (functions/http/pipeline/origin.ts). Absent on the local stage: nothing is checked.
   */
  originSecret: string | undefined;
  /** Where browsers land after OAuth (the admin site; the API is under its /api). */
  webOrigin: string | undefined;
  /** Sender of the API's mails (invites); a verified SES identity outside the local stage. */
  mailFrom: string;
  google: {
    /** Absent locally: the Google emulator stands in, addressed by `emulatorUrl`. */
    clientId: string | undefined;
    clientSecretArn: string | undefined;
    emulatorUrl: string | undefined;
    retryBaseMs: number;
    maxAttempts: number;
    timeoutMs: number;
  };
  secrets: {
    /** Every secret this app writes is named under this prefix (IAM policies scope to it). */
    prefix: string;
    kmsKeyId: string | undefined;
    /** Only for tests against a Secrets Manager emulator. */
    endpoint: string | undefined;
    localDir: string;
  };
  /** Whether agents' chatbot endpoints may be private or loopback hosts: the local stage only. */
  agentEndpointsAllowPrivate: boolean;
  /**
   * The LiveKit server browsers join for test calls. Absent without `LIVEKIT_URL`: then sessions
   * answer 503. The API key and secret come from the environment (the local stack's dev values) or,
   * deployed, from the secret `secretArn` names (JSON `{apiKey, apiSecret}`).
   */
  livekit:
    | {
        url: string;
        apiKey: string | undefined;
        apiSecret: string | undefined;
        secretArn: string | undefined;
        /**
         * The SIP inbound trunk the org's numbers ring on. With it, assigning a number to an agent
         * creates the number's dispatch rule; without it numbers are bookkeeping only.
         */
        sipTrunkId: string | undefined;
      }
    | undefined;
  /**
   * The AppSync Events HTTP publish endpoint (`https://<http dns>/event`; locally the stand-in's
   * `/event`). Absent: the change publisher has nowhere to publish and says so.
   */
  liveEventsUrl: string | undefined;
  /**
   * Client-credentials access tokens (README "Machine callers"): the issuer that signs them (the
   * stage's Cognito pool; locally the dev identity provider), the resource server whose scopes
   * `<resourceServer>/org` and `<resourceServer>/runtime` they carry, and the platform runtime
   * client. Absent issuer: machine tokens are refused.
   */
  machineTokens: {
    issuer: string | undefined;
    jwksUri: string | undefined;
    resourceServer: string;
    runtimeClientId: string | undefined;
  };
  /**
   * The user pool org API clients are created in (Cognito app clients), the endpoint override the
   * local stand-in answers on, and the token endpoint integrators are told about.
   */
  identityClients: {
    userPoolId: string | undefined;
    endpoint: string | undefined;
    tokenUrl: string | undefined;
  };
  /**
   * The deploy's first platform superadmin: a signed-in user whose verified email is this one is a
   * superadmin whatever the table says (README "Platform administration"); no API call can grant it.
   */
  platformSuperadminEmail: string | undefined;
  /** Invite create/resend limits (abuse: every invite sends a mail to an address of the caller's choice). */
  invites: { perOrgPerHour: number; perUserPerHour: number };
  /**
   * Calls that cost money each time, per org (all its people and clients) and per caller, a minute:
   * test calls (LiveKit rooms, the voice agent's models) and knowledge searches (index builds).
   */
  callLimits: {
    testCalls: { perOrg: number; perCaller: number };
    searches: { perOrg: number; perCaller: number };
    /** Voice samples (each one a text-to-speech request on the agent's account). */
    voicePreviews: { perOrg: number; perCaller: number };
  };
  /**
   * Orgs one person may create, ever (abuse: each org has its own free monthly model tokens and
   * rate limits; README "Tenancy").
   */
  maxOrgsCreatedPerUser: number;
  /** Conversations with agents (README "Conversations"). */
  knowledge: {
    /** The Bedrock embedding model chunks and questions are embedded with; null: lexical search only. */
    embeddingModel: string | null;
    embeddingDimensions: number;
    /** A write's embedding calls, all chunks together: within the function's 29 s with room to store. */
    embedTimeoutMs: number;
    /** A question's embedding: past it the search answers from BM25 alone rather than wait. */
    queryEmbedTimeoutMs: number;
  };
  conversations: {
    /** Bedrock Runtime's endpoint when not the region's own: the LLM stand-in, locally. */
    bedrockEndpoint: string | undefined;
    /**
     * How long a model may take for one answer. Under the HTTP API's 30 s integration limit (the
     * function's 29 s), leaving time to store the failed reply and answer 502.
     */
    llmTimeoutMs: number;
    /** Attempts per model call (throttling and 5xx are retried once by default, within the timeout). */
    llmMaxAttempts: number;
    /** Messages an org may send per minute, across its agents and people (each costs model tokens). */
    messagesPerOrgPerMinute: number;
    /** The history window sent with each message: at most this many earlier messages and characters. */
    historyMessages: number;
    historyChars: number;
    /** Knowledge passages retrieved for each message. */
    passages: number;
  };
  sync: {
    queueUrl: string | undefined;
    shards: number;
    intervalMinutes: number;
    leaseSeconds: number;
  };
}

let cached: AppConfig | undefined;

export function config(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

export function parseConfig(source: Record<string, string | undefined>): AppConfig {
  const env = Env.parse(source);
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
    originSecret: env.ORIGIN_SECRET,
    webOrigin: env.WEB_ORIGIN,
    mailFrom: env.MAIL_FROM,
    google: {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecretArn: env.GOOGLE_CLIENT_SECRET_ARN,
      emulatorUrl: isLocal ? env.GOOGLE_EMULATOR_URL : undefined,
      retryBaseMs: env.GOOGLE_RETRY_BASE_MS,
      maxAttempts: env.GOOGLE_MAX_ATTEMPTS,
      timeoutMs: env.GOOGLE_TIMEOUT_MS,
    },
    secrets: {
      prefix: env.SECRETS_PREFIX ?? `agent-control-plane/${env.STAGE}/`,
      kmsKeyId: env.SECRETS_KMS_KEY_ID,
      endpoint: env.SECRETS_ENDPOINT,
      localDir: env.LOCAL_SECRETS_DIR,
    },
    agentEndpointsAllowPrivate: isLocal && env.AGENT_ENDPOINTS_ALLOW_PRIVATE !== 'false',
    livekit: env.LIVEKIT_URL
      ? {
          url: env.LIVEKIT_URL,
          apiKey: env.LIVEKIT_API_KEY,
          apiSecret: env.LIVEKIT_API_SECRET,
          secretArn: env.LIVEKIT_SECRET_ARN,
          sipTrunkId: env.LIVEKIT_SIP_TRUNK_ID,
        }
      : undefined,
    liveEventsUrl: env.LIVE_EVENTS_URL,
    machineTokens: {
      // Locally the dev identity provider signs client-credentials tokens too, as Cognito signs both kinds.
      issuer: env.MACHINE_ISSUER ?? devIssuer?.issuer,
      jwksUri: env.MACHINE_JWKS_URI,
      resourceServer: env.API_RESOURCE_SERVER,
      runtimeClientId: env.RUNTIME_CLIENT_ID,
    },
    identityClients: {
      userPoolId: env.USER_POOL_ID ?? (isLocal ? 'local_devpool' : undefined),
      endpoint: isLocal ? env.COGNITO_ENDPOINT : undefined,
      tokenUrl: env.TOKEN_URL,
    },
    platformSuperadminEmail: env.PLATFORM_SUPERADMIN_EMAIL?.normalize('NFKC').toLowerCase(),
    invites: { perOrgPerHour: env.INVITES_PER_ORG_PER_HOUR, perUserPerHour: env.INVITES_PER_USER_PER_HOUR },
    callLimits: {
      testCalls: {
        perOrg: env.TEST_CALLS_PER_ORG_PER_MINUTE,
        perCaller: env.TEST_CALLS_PER_CALLER_PER_MINUTE,
      },
      searches: { perOrg: env.SEARCHES_PER_ORG_PER_MINUTE, perCaller: env.SEARCHES_PER_CALLER_PER_MINUTE },
      voicePreviews: {
        perOrg: env.VOICE_PREVIEWS_PER_ORG_PER_MINUTE,
        perCaller: env.VOICE_PREVIEWS_PER_CALLER_PER_MINUTE,
      },
    },
    maxOrgsCreatedPerUser: env.MAX_ORGS_CREATED_PER_USER,
    knowledge: {
      embeddingModel: env.KNOWLEDGE_EMBEDDING_MODEL === 'none' ? null : env.KNOWLEDGE_EMBEDDING_MODEL,
      embeddingDimensions: env.KNOWLEDGE_EMBEDDING_DIMENSIONS,
      embedTimeoutMs: env.KNOWLEDGE_EMBED_TIMEOUT_MS,
      queryEmbedTimeoutMs: env.KNOWLEDGE_QUERY_EMBED_TIMEOUT_MS,
    },
    conversations: {
      bedrockEndpoint: env.BEDROCK_ENDPOINT,
      llmTimeoutMs: env.LLM_TIMEOUT_MS,
      llmMaxAttempts: env.LLM_MAX_ATTEMPTS,
      messagesPerOrgPerMinute: env.MESSAGES_PER_ORG_PER_MINUTE,
      historyMessages: env.HISTORY_MESSAGES,
      historyChars: env.HISTORY_CHARS,
      passages: env.RETRIEVED_PASSAGES,
    },
    sync: {
      queueUrl: env.SYNC_QUEUE_URL,
      shards: env.SYNC_SHARDS,
      intervalMinutes: env.SYNC_INTERVAL_MINUTES,
      leaseSeconds: env.SYNC_LEASE_SECONDS,
    },
  };
}
