/**
 * One call, from the job's metadata to its end reason: read the agent through the runtime route (its
 * refusal is the source of truth), open the call record, build the agent's STT and TTS, greet, let the
 * platform answer each turn, carry out transfer and end_call, and end every call with exactly one
 * reason and its usage. The room side (hang up, SIP transfer) and the session's start are handed in,
 * so text-mode tests run the same code without media.
 */
import { type stt, type tts, type VAD, voice } from '@livekit/agents';
import {
  type CallEvent,
  type Platform,
  PlatformRefusal,
  type RuntimeAgentRead,
  type StartedCall,
} from './platform';
import { PlatformLLM } from './platform-llm';

type EndReason = Extract<CallEvent, { type: 'end' }>['reason'];

/** Said when the platform refuses the agent (inactive, suspended, deleted): the caller learns nothing more. */
export const refusalSentence = 'Sorry, this line is not taking calls right now. Goodbye.';
/** Said when a provider fails mid-call, before a clean hang-up. */
export const fallbackSentence =
  'Sorry, I am having technical trouble and have to end the call. Please call again later.';

export interface JobInput {
  orgId: string;
  agentId: string;
  roomName: string;
  roomSid: string;
  via: 'phone' | 'test_call';
  from?: string;
  to?: string;
}

/** What the call does to the room; LiveKit's server API in production. */
export interface RoomControl {
  transfer(number: string): Promise<void>;
  hangUp(): Promise<void>;
}

export interface SpeechStack {
  stt?: stt.STT;
  tts?: tts.TTS;
  vad?: VAD;
}

export interface CallDeps {
  platform: Platform;
  room: RoomControl;
  /** STT/TTS/VAD for the agent; throws (UnsupportedSpeech) when the worker cannot speak its configuration. */
  speech(agent: RuntimeAgentRead): SpeechStack;
  /** Starts the session on the room (production) or without one (text-mode tests). */
  start(session: voice.AgentSession, agent: voice.Agent): Promise<void>;
  log?: { info(msg: string): void; warn(msg: string): void };
  now?: () => Date;
}

/** Loose logging only: never an agent's keys, configuration or the caller's words. */
const quiet = { info: () => {}, warn: () => {} };

export class Call {
  readonly #deps: CallDeps;
  readonly #job: JobInput;
  #record: StartedCall | undefined;
  #session: voice.AgentSession | undefined;
  #eventSeq = 0;
  #ended: EndReason | undefined;
  #startedAt = Date.now();
  #llmInputTokens = 0;
  #llmOutputTokens = 0;
  #failing = false;
  /** Resolves with the end reason once the call is over. */
  readonly finished: Promise<EndReason>;
  #finish!: (reason: EndReason) => void;

  constructor(job: JobInput, deps: CallDeps) {
    this.#job = job;
    this.#deps = deps;
    this.finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  get session(): voice.AgentSession | undefined {
    return this.#session;
  }

  get record(): StartedCall | undefined {
    return this.#record;
  }

  get #log() {
    return this.#deps.log ?? quiet;
  }

  #now(): string {
    return (this.#deps.now?.() ?? new Date()).toISOString();
  }

  /** Answers the call; resolves once the session is up and the greeting is under way. */
  async answer(): Promise<void> {
    const { platform } = this.#deps;
    const job = this.#job;
    let read: RuntimeAgentRead;
    try {
      read = await platform.getAgent(job.agentId);
      this.#record = await platform.startCall({
        agentId: job.agentId,
        roomName: job.roomName,
        roomSid: job.roomSid,
        startedAt: this.#now(),
        via: job.via,
        ...(job.from ? { from: job.from } : {}),
        ...(job.to ? { to: job.to } : {}),
      });
    } catch (error) {
      if (error instanceof PlatformRefusal) {
        this.#log.info(`agent ${job.agentId} refused by the platform (${error.status}); hanging up`);
        await this.#sayAlone(refusalSentence);
        this.#ended = 'agent_ended';
        await this.#deps.room.hangUp();
        this.#finish('agent_ended');
        return;
      }
      throw error;
    }

    let speech: SpeechStack;
    try {
      speech = this.#deps.speech(read);
    } catch (error) {
      this.#log.warn(`agent ${job.agentId} cannot be spoken: ${(error as Error).message}`);
      await this.#sayAlone(fallbackSentence);
      await this.#end('error', (error as Error).message);
      return;
    }

    const model = new PlatformLLM({
      platform,
      agentId: job.agentId,
      conversationId: this.#record.conversationId,
      callId: this.#record.callId,
      channel: job.via,
      hooks: {
        onAction: (action) => {
          void (action.name === 'transfer' ? this.#transfer(action.number) : this.#endCall(action.reason));
        },
        onDone: (done) => {
          this.#llmInputTokens += done.reply.inputTokens;
          this.#llmOutputTokens += done.reply.outputTokens;
        },
        onFailure: (error) => void this.fail(error),
      },
    });
    const session = new voice.AgentSession({ ...speech, llm: model });
    this.#session = session;
    session.on(voice.AgentSessionEventTypes.Error, (event) => {
      const failure = event.error;
      if ('recoverable' in failure && !failure.recoverable)
        void this.fail('error' in failure ? failure.error : new Error(failure.type));
    });
    session.on(voice.AgentSessionEventTypes.Close, (event) => {
      if (event.reason === voice.CloseReason.PARTICIPANT_DISCONNECTED) void this.#end('caller_hung_up');
    });
    // The platform assembles the prompt; the framework's instructions never reach a model.
    await this.#deps.start(session, new voice.Agent({ instructions: 'Answered by the platform pipeline.' }));
    const greeting = read.agent.initialMessage?.trim();
    if (greeting) await this.#say(greeting, 'greeting');
  }

  /** The caller hung up (the room's participant left). */
  async callerLeft(): Promise<void> {
    await this.#end('caller_hung_up');
  }

  /** A provider failed mid-call: one fallback sentence, a clean hang-up, end reason 'error'. */
  async fail(error: Error): Promise<void> {
    if (this.#failing || this.#ended) return;
    this.#failing = true;
    this.#log.warn(`call ${this.#record?.callId} failed: ${error.name}`);
    this.#session?.interrupt({ force: true });
    await this.#say(fallbackSentence, 'fallback', 5_000);
    await this.#end('error', error.message.slice(0, 500));
  }

  async #transfer(number: string): Promise<void> {
    await this.#session
      ?.say('One moment, I am transferring you.')
      .waitForPlayout()
      .catch(() => {});
    let result: Record<string, string>;
    try {
      await this.#deps.room.transfer(number);
      result = { status: 'transferred' };
    } catch (error) {
      result = { status: 'failed', error: (error as Error).message.slice(0, 300) };
    }
    await this.#post({ type: 'tool', name: 'transfer', arguments: { number }, result });
    if (result.status === 'transferred') await this.#end('transfer', undefined, false);
    else await this.fail(new Error(`The transfer to ${number} failed.`));
  }

  async #endCall(reason: string | null): Promise<void> {
    // The goodbye the model wrote is spoken first: the action arrives with the turn, before playout.
    await this.#waitForSpeech();
    await this.#post({
      type: 'tool',
      name: 'end_call',
      arguments: reason ? { reason } : {},
      result: { ended: true },
    });
    await this.#end('agent_ended', reason ?? undefined);
  }

  async #waitForSpeech(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && ['thinking', 'speaking'].includes(session.agentState)) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #say(text: string, kind: string, timeoutMs = 30_000): Promise<void> {
    if (this.#session) {
      const handle = this.#session.say(text, { allowInterruptions: kind !== 'fallback' });
      await Promise.race([handle.waitForPlayout(), new Promise((r) => setTimeout(r, timeoutMs))]).catch(
        () => {},
      );
    }
    await this.#post({ type: 'speech', role: 'assistant', text });
  }

  /** Before any session exists (refused or unspeakable agent): the sentence goes to the room as text only. */
  async #sayAlone(text: string): Promise<void> {
    if (this.#record) await this.#post({ type: 'speech', role: 'assistant', text });
  }

  async #end(reason: EndReason, detail?: string, hangUp = true): Promise<void> {
    if (this.#ended) return;
    this.#ended = reason;
    const usage = this.#usage();
    await this.#post({ type: 'usage', ...usage });
    await this.#post({ type: 'end', reason, ...(detail ? { detail } : {}) });
    if (hangUp) await this.#deps.room.hangUp().catch(() => {});
    await this.#session?.close().catch(() => {});
    this.#finish(reason);
  }

  #usage() {
    let sttSeconds = 0;
    let ttsCharacters = 0;
    for (const usage of this.#session?.usage.modelUsage ?? []) {
      if (usage.type === 'stt_usage') sttSeconds += (usage.audioDurationMs ?? 0) / 1000;
      if (usage.type === 'tts_usage') ttsCharacters += usage.charactersCount ?? 0;
    }
    return {
      sttSeconds: Math.round(sttSeconds * 10) / 10,
      llmInputTokens: this.#llmInputTokens,
      llmOutputTokens: this.#llmOutputTokens,
      ttsCharacters,
      telephonySeconds: this.#job.via === 'phone' ? Math.round((Date.now() - this.#startedAt) / 1000) : 0,
    };
  }

  /** Call events are best effort: a record that cannot be written must not keep the caller on the line. */
  async #post(event: DistributiveOmit<CallEvent, 'id' | 'at'>): Promise<void> {
    if (!this.#record) return;
    const id = `${this.#job.roomSid}.${++this.#eventSeq}`;
    try {
      await this.#deps.platform.postEvents(this.#record.callId, [
        { ...event, id, at: this.#now() } as CallEvent,
      ]);
    } catch (error) {
      this.#log.warn(
        `call ${this.#record.callId}: event ${event.type} not recorded (${(error as Error).name})`,
      );
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
