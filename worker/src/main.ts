/**
 * The voice worker's entry: registers with LiveKit as `voice-agent` (the name the platform's dispatch
 * rules and test-call tokens use; explicit dispatch only), takes at most MAX_CONCURRENT_CALLS jobs,
 * drains on SIGTERM, and runs one Call per job. Without a LiveKit URL it says so and exits.
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, type JobProcess, ServerOptions, type VAD } from '@livekit/agents';
import * as silero from '@livekit/agents-plugin-silero';
import type { RemoteParticipant } from '@livekit/rtc-node';
import { RoomServiceClient, SipClient } from 'livekit-server-sdk';
import { Call, type JobInput } from './call';
import { readConfig } from './config';
import { callerOf, jobMetadata } from './job';
import { loadMetricReporter } from './load-metric';
import { createPlatform } from './platform';
import { buildStt, buildTts } from './speech';
import { taskProtection } from './task-protection';

/** The agent name every dispatch names (functions/adapters/livekit.ts `voiceAgentName`). */
export const agentName = 'voice-agent';

const config = readConfig();

export default defineAgent({
  prewarm: async (proc: JobProcess) => {
    proc.userData.vad = await silero.VAD.load();
  },
  entry: async (ctx: JobContext) => {
    const livekit = config.livekit!;
    const { orgId, agentId } = jobMetadata(ctx.job.metadata);
    await ctx.connect();
    const caller = await ctx.waitForParticipant();
    const roomName = ctx.room.name ?? ctx.job.room!.name;
    const job: JobInput = { orgId, agentId, roomName, roomSid: ctx.job.room!.sid, ...callerOf(caller) };
    const httpUrl = livekit.url.replace(/^ws/, 'http');
    const rooms = new RoomServiceClient(httpUrl, livekit.apiKey, livekit.apiSecret);
    const sip = new SipClient(httpUrl, livekit.apiKey, livekit.apiSecret);
    const call = new Call(job, {
      platform: createPlatform(config.platform),
      room: {
        transfer: (number) => sip.transferSipParticipant(roomName, caller.identity, `tel:${number}`),
        hangUp: () => rooms.deleteRoom(roomName),
      },
      speech: (agent) => ({
        stt: buildStt(agent, config.speech),
        tts: buildTts(agent, config.speech),
        vad: ctx.proc.userData.vad as VAD,
      }),
      start: (session, agent) => session.start({ agent, room: ctx.room }),
      log: { info: (m) => console.warn(m), warn: (m) => console.warn(m) },
    });
    ctx.room.on('participantDisconnected', (p: RemoteParticipant) => {
      if (p.identity === caller.identity) void call.callerLeft();
    });
    ctx.addShutdownCallback(async () => {
      await call.callerLeft();
    });
    await call.answer();
    await call.finished;
    ctx.shutdown('call ended');
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!config.livekit) {
    console.error(
      'The voice worker needs a LiveKit server: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (README "Voice worker (issue 21)"). Not starting.',
    );
    process.exit(0);
  }
  const reportLoad = loadMetricReporter(config.maxConcurrentCalls);
  const protect = taskProtection();
  const options = new ServerOptions({
    agent: fileURLToPath(import.meta.url),
    agentName,
    wsURL: config.livekit.url,
    apiKey: config.livekit.apiKey,
    apiSecret: config.livekit.apiSecret,
    port: config.port,
    host: '0.0.0.0',
    // Full at MAX_CONCURRENT_CALLS: LiveKit offers the next job to another worker.
    loadFunc: async (server) => {
      void protect(server.activeJobs.length);
      return reportLoad(server.activeJobs.length);
    },
    loadThreshold: 0.999,
    // A deploy waits for calls to finish (the ECS deregistration delay is longer).
    drainTimeout: 30 * 60 * 1000,
    production: true,
  });
  cli.runApp(options);
}
