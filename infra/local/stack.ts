/**
 * The whole local deployment in one process tree: DynamoDB Local, the table from the shared
 * definition, the dev identity provider and the local API gateway in front of the real handlers,
 * plus the built admin site. `npm start` (start.ts) and the end-to-end tests both use this.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outbox } from '../../functions/adapters/mail';
import { presenceNamespace } from '../../functions/api/live';
import { routes } from '../../functions/api/routes';
import { createEventsStandIn, type EventsStandIn, publishPath, realtimePath } from './appsync-events';
import { createDevCognito, type DevCognito, devRuntimeClient } from './dev-cognito';
import { createDevIdentity, type DevIdentity } from './dev-identity';
import { type DynamoLocal, ensureTable, localCredentials, startDynamoLocal } from './dynamodb';
import { createGateway, type LocalService, sendJson } from './gateway';
import { createGoogleEmulator, type GoogleEmulator, googleBasePath } from './google-emulator';
import { type LivekitStandin, livekitControlService, startLivekitStandin } from './livekit-standin';
import { type LlmStandin, llmControlService, startLlmStandin } from './llm-standin';
import { listenLocal } from './ports';
import { type LocalScheduler, loadJobHandlers, startLocalScheduler } from './scheduler';
import {
  missingSpeechEngines,
  type SpeechStandin,
  speechControlService,
  speechPackages,
  startSpeechStandin,
} from './speech-standin';
import { matchesFilters, startTableStream, type TableStream } from './table-stream';
import { httpRuntime, workerSide } from './worker-side';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const localTableName = 'agent-control-plane-local';
/** The LiveKit stand-in's dev credentials and trunk: local values, never a deployment's. */
const localLivekit = {
  apiKey: 'devkey',
  apiSecret: 'local-livekit-standin-secret-0123456789abcdef',
  sipTrunkId: 'ST_local',
};

export interface LocalStackOptions {
  port: number;
  /** Keep the database in this folder instead of memory. */
  dataDir?: string;
}

export interface LocalStack {
  url: string;
  dynamo: DynamoLocal;
  devIdentity: DevIdentity;
  /** Present when no GOOGLE_CLIENT_ID is configured: Google is emulated under /dev/google. */
  google: GoogleEmulator | undefined;
  /**
   * Present unless LIVEKIT_URL is configured or LOCAL_LIVEKIT=off (then test calls answer 503): the
   * LiveKit stand-in, its webhooks posted to this stack's /api/webhooks/livekit.
   */
  livekit: LivekitStandin | undefined;
  scheduler: LocalScheduler;
  /**
   * Present unless BEDROCK_ENDPOINT is configured: Bedrock Runtime and OpenAI chat completions,
   * answering from the passages they are sent (README "Conversations"); faults at /dev/llm/faults.
   */
  llm: LlmStandin | undefined;
  /**
   * Present unless DEEPGRAM_URL or OPENAI_SPEECH_URL is configured: Deepgram's /v1/listen and
   * OpenAI's /v1/audio/speech answered by PocketSphinx and Festival (README "Voice turns"); faults
   * at /dev/speech/faults.
   */
  speech: SpeechStandin | undefined;
  /** Cognito's token endpoint and app-client API for machine callers, under /dev (README "Machine callers"). */
  cognito: DevCognito;
  /** AppSync Events, locally: the channels the admin site subscribes to, fed from the table's stream. */
  events: EventsStandIn;
  tableStream: TableStream;
  stop(): Promise<void>;
}

function devIdentityService(identity: DevIdentity): LocalService {
  return async (req, res, url, body) => {
    if (url.pathname === '/dev/.well-known/jwks.json' && req.method === 'GET') {
      sendJson(res, 200, identity.jwks);
      return true;
    }
    if (url.pathname === '/dev/token' && req.method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        parsed = undefined;
      }
      const { status, body: reply } = identity.tokenEndpoint(parsed);
      sendJson(res, status, reply);
      return true;
    }
    return false;
  };
}

/** GET /dev/outbox: the mails the API sent (invites), since the local stage never sends real mail. */
const outboxService: LocalService = async (req, res, url) => {
  if (url.pathname !== '/dev/outbox' || req.method !== 'GET') return false;
  sendJson(res, 200, { messages: outbox });
  return true;
};

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  let handle: ((...args: Parameters<ReturnType<typeof createGateway>>) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (handle) void handle(req, res);
    else sendJson(res, 503, { status: 503, title: 'Starting', detail: 'The local stack is still starting.' });
  });
  // Claim the port first: a port in use fails in milliseconds, before Java starts.
  const port = await listenLocal(server, options.port);
  const url = `http://127.0.0.1:${port}`;
  let dynamo: DynamoLocal;
  try {
    dynamo = await startDynamoLocal(options.dataDir ? { dataDir: options.dataDir } : {});
    await ensureTable(dynamo.client, localTableName);
  } catch (error) {
    server.close();
    throw error;
  }
  const devIdentity = createDevIdentity(`${url}/dev`);
  // Without --persist the secrets live as long as the in-memory table that refers to them.
  const secretsDir = options.dataDir
    ? resolve(options.dataDir, '..', 'secrets')
    : mkdtempSync(join(tmpdir(), 'acp-secrets-'));

  Object.assign(process.env, {
    STAGE: 'local',
    TABLE_NAME: localTableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    DEV_ISSUER: devIdentity.issuer,
    DEV_ISSUER_JWKS: JSON.stringify(devIdentity.jwks),
    WEB_ORIGIN: url,
    LIVE_EVENTS_URL: `${url}${publishPath}`,
    LOCAL_SECRETS_DIR: secretsDir,
  });
  // The local stack's platform superadmin (README "Platform administration"), unless one is given.
  process.env.PLATFORM_SUPERADMIN_EMAIL ??= 'platform@example.com';
  const google = process.env.GOOGLE_CLIENT_ID ? undefined : createGoogleEmulator();
  if (google) process.env.GOOGLE_EMULATOR_URL = `${url}${googleBasePath}`;
  const livekit =
    process.env.LIVEKIT_URL || process.env.LOCAL_LIVEKIT === 'off'
      ? undefined
      : await startLivekitStandin({
          ...localLivekit,
          trunkId: localLivekit.sipTrunkId,
          webhookUrl: `${url}/api/webhooks/livekit`,
          // No worker runs here: the stand-in plays its side through the runtime routes.
          worker: workerSide(
            httpRuntime({
              apiUrl: `${url}/api`,
              tokenUrl: () => `${url}${cognito.tokenPath}`,
              ...devRuntimeClient,
            }),
          ),
        });
  if (livekit) {
    Object.assign(process.env, {
      LIVEKIT_URL: livekit.url.replace(/^http/, 'ws'),
      LIVEKIT_API_KEY: localLivekit.apiKey,
      LIVEKIT_API_SECRET: localLivekit.apiSecret,
      LIVEKIT_SIP_TRUNK_ID: localLivekit.sipTrunkId,
    });
  }
  const llm = process.env.BEDROCK_ENDPOINT ? undefined : await startLlmStandin();
  if (llm) process.env.BEDROCK_ENDPOINT = llm.url;
  const speech =
    process.env.DEEPGRAM_URL || process.env.OPENAI_SPEECH_URL ? undefined : await startSpeechStandin();
  if (speech) {
    Object.assign(process.env, { DEEPGRAM_URL: speech.url, OPENAI_SPEECH_URL: speech.url });
    const missing = missingSpeechEngines();
    if (missing.length > 0) {
      console.warn(
        `Voice turns need ${missing.join(', ')} for the local speech stand-in: apt-get install ${speechPackages.join(' ')}`,
      );
    }
  }
  const cognito = createDevCognito(devIdentity, { basePath: '/dev', resourceServer: 'agent-control-plane' });
  Object.assign(process.env, {
    COGNITO_ENDPOINT: `${url}${cognito.apiPath}`,
    TOKEN_URL: `${url}${cognito.tokenPath}`,
    RUNTIME_CLIENT_ID: devRuntimeClient.clientId,
  });

  const [authorizer, presence, publisher] = await Promise.all([
    import('../../functions/http/live/authorizer'),
    import('../../functions/http/live/presence'),
    import('../../functions/jobs/publish-changes'),
  ]);
  const events = createEventsStandIn({
    authorize: authorizer.handler,
    publishHandlers: { [presenceNamespace]: presence.handler },
    credentials: localCredentials,
    region: 'local',
  });
  server.on('upgrade', (req, socket, head) => {
    if (!events.upgrade(req, socket, head)) socket.destroy();
  });
  const tableStream = await startTableStream({
    client: dynamo.client,
    endpoint: dynamo.endpoint,
    credentials: localCredentials,
    tableName: localTableName,
    filter: (record) => matchesFilters(publisher.streamFilters, record),
    handler: publisher.handler,
  });

  const handlers = new Map<string, Promise<{ handler: never }>>();
  handle = createGateway({
    routes,
    loadHandler: async (module) => {
      if (!handlers.has(module))
        handlers.set(module, import(join(root, 'functions', 'http', `${module}.ts`)));
      return (await handlers.get(module)!).handler;
    },
    services: [
      devIdentityService(devIdentity),
      cognito.service,
      outboxService,
      events.service,
      ...(google ? [google.service] : []),
      ...(livekit ? [livekitControlService(livekit)] : []),
      ...(llm ? [llmControlService(llm)] : []),
      ...(speech ? [speechControlService(speech)] : []),
    ],
    webRoot: join(root, 'web', 'dist'),
    runtimeConfig: {
      apiBase: '/api',
      auth: { mode: 'dev', tokenUrl: '/dev/token' },
      // Relative: the site resolves it against its own origin (ws://), and sends its own host.
      live: { realtimeUrl: realtimePath },
    },
  });

  const scheduler = startLocalScheduler(await loadJobHandlers());

  return {
    url,
    dynamo,
    devIdentity,
    google,
    livekit,
    llm,
    speech,
    scheduler,
    cognito,
    events,
    tableStream,
    async stop() {
      scheduler.stop();
      await livekit?.stop();
      await llm?.stop();
      await speech?.stop();
      await tableStream.stop();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await dynamo.stop();
      if (!options.dataDir) rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}
