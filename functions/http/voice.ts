/**
 * Voice turns over the API (README "Voice turns"): one recorded utterance is transcribed by the
 * agent's transcriber, answered by the same turn as a typed message (turns/message-turn.ts) and the
 * reply spoken by the agent's voice. Its own Lambda, so the speech adapters never load with the
 * conversations module. Nothing is stored until words were heard; a voice that fails after the
 * reply keeps both turns. Keys go only to their providers' Authorization headers.
 *
 * Voice previews live here too, for the same adapters: a sample in the agent's voice (or a
 * draft of it), counted against the org's and the caller's per-minute preview limits.
 */
import { readAgentKeys } from '../adapters/agent-keys';
import { sttFor, ttsFor } from '../adapters/speech';
import { previewAgentVoice, sendVoiceTurn } from '../api/routes/voice';
import { actorIdOf } from '../api/schemas/audit';
import { utteranceLimits } from '../api/schemas/voice';
import * as agents from '../data/agents';
import { countCall } from '../data/rate-limits';
import { sharedUseRefusal } from '../domain/agents';
import { perMinute } from '../domain/rate-limits';
import { enforce, Refusal } from '../domain/refusal';
import { speakable, speechRefusals, wavSeconds } from '../domain/speech';
import { previewVoice, sampleText } from '../domain/voice-preview';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';
import { answerTurn, chattableAgent } from './turns/message-turn';

export const handler = httpHandler([
  implement(sendVoiceTurn, async ({ params, body, now, actor }) => {
    const started = Date.now();
    const agent = await chattableAgent(params.orgId, params.agentId);
    const keys = await readAgentKeys(agent.orgId, agent.id);
    // Both providers are checked before anything is sent or stored.
    const stt = sttFor(agent, keys);
    const tts = ttsFor(agent, keys);
    if (body.mediaType !== 'audio/webm') {
      const seconds = wavSeconds(body.bytes);
      if (seconds === undefined) throw speechRefusals.unreadable();
      if (seconds > utteranceLimits.seconds) throw speechRefusals.tooLong(seconds);
    }

    const heard = await stt.transcribe(body, {
      model: agent.sttConfig!.model,
      language: agent.sttConfig!.language,
    });
    const sttMs = Date.now() - started;
    // A browser's WebM carries no length up front: the transcriber measured it.
    if (heard.durationSeconds > utteranceLimits.seconds) throw speechRefusals.tooLong(heard.durationSeconds);
    if (!heard.text) throw speechRefusals.nothingHeard();

    const turn = await answerTurn({
      ...params,
      text: heard.text,
      via: 'voice',
      actor,
      now,
      agent,
      keys,
      // Streamed, so the time to the model's first words is known.
      onDelta: () => {},
    });
    const spokenText = speakable(turn.reply.text);
    const ttsStarted = Date.now();
    let spoken: Awaited<ReturnType<typeof tts.synthesize>> | undefined;
    if (spokenText) {
      try {
        spoken = await tts.synthesize(spokenText, {
          model: agent.ttsConfig!.model,
          voiceId: agent.ttsConfig!.voiceId,
          speed: agent.ttsConfig!.speed,
        });
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        throw new Refusal(
          error.kind,
          `${error.message} The question and the reply’s text are kept in the conversation.`,
        );
      }
    }
    const ttsMs = Date.now() - ttsStarted;
    return {
      body: {
        transcript: heard.text,
        message: turn.message,
        reply: turn.reply,
        audio: {
          mediaType: spoken?.mediaType ?? 'audio/wav',
          base64: spoken ? Buffer.from(spoken.audio).toString('base64') : '',
        },
        timings: {
          sttMs,
          modelFirstTokenMs: turn.firstTokenMs,
          modelMs: turn.reply.latencyMs ?? 0,
          ttsFirstByteMs: spoken?.firstByteMs ?? 0,
          ttsMs,
          totalMs: Date.now() - started,
        },
      },
    };
  }),
  // Own and shared-in agents alike (a shared-in one speaks with its owner's key, as on its calls).
  implement(previewAgentVoice, async ({ params, body, actor, now }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(sharedUseRefusal(agent));
    if (!agent.ttsConfig) throw speechRefusals.notConfigured('voice');
    const voice = previewVoice(agent.ttsConfig, body);
    if (voice instanceof Refusal) throw voice;
    const tts = ttsFor(agent, await readAgentKeys(agent.orgId, agent.id));
    // Counted once the sample can be made: a refused preview costs the caller nothing.
    const { perOrg, perCaller } = config().callLimits.voicePreviews;
    await countCall(
      params.orgId,
      actorIdOf(actor),
      perMinute('voice-preview', 'voice previews', perOrg, perCaller),
      now,
    );
    const text = body.text ?? sampleText(agent.name, voice.language);
    const spoken = await tts.synthesize(text, voice);
    return {
      body: {
        text,
        ...voice,
        audio: { mediaType: spoken.mediaType, base64: Buffer.from(spoken.audio).toString('base64') },
      },
    };
  }),
]);
