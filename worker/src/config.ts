/** The worker's settings, all from the environment (README "Voice worker (issue 21)"). */

export interface WorkerConfig {
  livekit: { url: string; apiKey: string; apiSecret: string } | null;
  platform: { apiUrl: string; tokenUrl: string; clientId: string; clientSecret: string };
  /** Calls one worker process holds at once; LiveKit sends the next job to another worker. */
  maxConcurrentCalls: number;
  /** The health check's port (the framework's HTTP server: `/` 200 while the worker is registered). */
  port: number;
  speech: { deepgram?: string; openai?: string; elevenlabs?: string; cartesia?: string };
}

const optional = (name: string) => process.env[name] || undefined;

export function readConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const url = env.LIVEKIT_URL;
  return {
    livekit:
      url && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET
        ? { url, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET }
        : null,
    platform: {
      apiUrl: env.PLATFORM_API_URL ?? 'http://127.0.0.1:3000/api',
      tokenUrl: env.TOKEN_URL ?? 'http://127.0.0.1:3000/dev/oauth2/token',
      clientId: env.RUNTIME_CLIENT_ID ?? 'devruntimeclient0000000000',
      clientSecret: env.RUNTIME_CLIENT_SECRET ?? 'dev-runtime-secret',
    },
    maxConcurrentCalls: Math.max(1, Number(env.MAX_CONCURRENT_CALLS ?? 8)),
    port: Number(env.HEALTH_PORT ?? 8081),
    speech: {
      deepgram: optional('DEEPGRAM_URL'),
      openai: optional('OPENAI_SPEECH_URL'),
      elevenlabs: optional('ELEVENLABS_URL'),
      cartesia: optional('CARTESIA_URL'),
    },
  };
}
