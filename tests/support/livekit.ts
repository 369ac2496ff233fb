/**
 * The LiveKit stand-in (infra/local/livekit-standin.ts) on its own port for this test file, with the
 * handlers pointed at it (its key, secret and SIP trunk) before any of them reads its config;
 * stopped after the file.
 */
import { afterAll } from 'vitest';
import { type LivekitStandinOptions, startLivekitStandin } from '../../infra/local/livekit-standin';

export async function livekitStandinForFile(options: LivekitStandinOptions & { trunkId: string }) {
  const standin = await startLivekitStandin(options);
  Object.assign(process.env, {
    LIVEKIT_URL: standin.url.replace(/^http/, 'ws'),
    LIVEKIT_API_KEY: options.apiKey,
    LIVEKIT_API_SECRET: options.apiSecret,
    LIVEKIT_SIP_TRUNK_ID: options.trunkId,
  });
  afterAll(() => standin.stop());
  return standin;
}
