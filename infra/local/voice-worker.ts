/**
 * `npm start` runs the voice worker (worker/, README "Voice worker (issue 21)") beside the local stack
 * when a real LiveKit server is configured: the LiveKit stand-in mints tokens and plays webhooks but
 * cannot host agents, so without one the worker is not started and the stack says why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { devRuntimeClient } from './dev-cognito';

export interface VoiceWorkerProcess {
  stop(): Promise<void>;
}

/** The LiveKit server the worker would register with, read before the stack points LIVEKIT_URL at its stand-in. */
export function configuredLivekit(env: NodeJS.ProcessEnv = process.env) {
  return env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET
    ? { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET }
    : undefined;
}

export const workerNotStarted =
  'Voice worker: not started, no LiveKit server is configured (set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET; the local LiveKit stand-in cannot host agents).';

export function startVoiceWorker(
  livekit: NonNullable<ReturnType<typeof configuredLivekit>>,
  stackUrl: string,
): VoiceWorkerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: new URL('../../worker/', import.meta.url),
    env: {
      ...process.env,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      PLATFORM_API_URL: `${stackUrl}/api`,
      TOKEN_URL: `${stackUrl}/dev/oauth2/token`,
      RUNTIME_CLIENT_ID: devRuntimeClient.clientId,
      RUNTIME_CLIENT_SECRET: devRuntimeClient.clientSecret,
    },
    stdio: 'inherit',
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGTERM: the worker drains its calls first, as in a deployment.
        child.kill('SIGTERM');
      }),
  };
}
