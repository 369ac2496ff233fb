/**
 * `npm start`: the local stack in the foreground until Ctrl-C. `--persist` keeps data in .data/
 * (LOCAL_DATA_DIR moves it, for tests).
 */

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { devRuntimeClient } from './dev-cognito';
import { JavaMissingError } from './dynamodb';
import { PortInUseError } from './ports';
import { type LocalStack, startLocalStack } from './stack';
import {
  configuredLivekit,
  startVoiceWorker,
  type VoiceWorkerProcess,
  workerNotStarted,
} from './voice-worker';

const persist = process.argv.includes('--persist');
const port = Number(process.env.PORT ?? 3000);

async function main(): Promise<void> {
  let dataDir: string | undefined;
  if (persist) {
    dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.data', 'dynamodb');
    mkdirSync(dataDir, { recursive: true });
  }
  const livekit = configuredLivekit();
  let stack: LocalStack;
  let worker: VoiceWorkerProcess | undefined;
  try {
    stack = await startLocalStack({ port, ...(dataDir ? { dataDir } : {}) });
  } catch (error) {
    if (error instanceof JavaMissingError || error instanceof PortInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await worker?.stop();
    await stack.stop();
    console.log('Local stack stopped.');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // Without its database the stack can only answer 503s: say why in one line and end, rather than
  // limp on (an in-memory database is gone anyway; with --persist, npm start again resumes).
  stack.dynamo.onUnexpectedExit((reason) => {
    if (stopping) return;
    stopping = true;
    console.error(
      `DynamoDB Local stopped unexpectedly (${reason}); the local stack is exiting. Run npm start again.`,
    );
    stack.stop().finally(() => process.exit(1));
  });

  console.log(`Local stack ready at ${stack.url}  (API ${stack.url}/api, data ${dataDir ?? 'in memory'})`);
  console.log(
    `Sign in: curl -s -X POST ${stack.url}/dev/token -H 'content-type: application/json' -d '{"email":"you@example.com"}'`,
  );
  console.log(
    `Voice runtime (client credentials, dev only): curl -s -u ${devRuntimeClient.clientId}:${devRuntimeClient.clientSecret} ${stack.url}/dev/oauth2/token -d grant_type=client_credentials`,
  );
  if (livekit) {
    worker = startVoiceWorker(livekit, stack.url);
    console.log(`Voice worker: starting, registering as voice-agent with ${livekit.url}`);
  } else {
    console.log(workerNotStarted);
  }
}

await main();
