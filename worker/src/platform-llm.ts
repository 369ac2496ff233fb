/**
 * The worker's LLM is the platform's conversation pipeline: each final user transcript goes to the
 * turns route (VOICE-CONTRACT item 2), which assembles the same prompt, retrieval, token budget and
 * citations as chat, runs the platform's tools and stores the turn. The worker speaks the text deltas
 * and carries out the actions (transfer, end_call) the model asked for.
 */
import { DEFAULT_API_CONNECT_OPTIONS, llm } from '@livekit/agents';
import type { Platform, TurnEvent } from './platform';

type DoneEvent = Extract<TurnEvent, { type: 'done' }>;
type ActionEvent = Extract<TurnEvent, { type: 'action' }>;

export interface TurnHooks {
  /** A worker action the model asked for, run after the reply has been spoken. */
  onAction(action: ActionEvent['action']): void;
  /** The stored turn: its tokens count toward the call's usage; a failed reply is a provider failure. */
  onDone(done: DoneEvent): void;
  /** The platform or the model failed this turn. */
  onFailure(error: Error): void;
}

export interface PlatformLlmOptions {
  platform: Platform;
  agentId: string;
  conversationId: string;
  callId: string;
  channel: 'phone' | 'test_call';
  hooks: TurnHooks;
}

export class PlatformLLM extends llm.LLM {
  constructor(readonly options: PlatformLlmOptions) {
    super();
  }

  label(): string {
    return 'platform.TurnsLLM';
  }

  override get model(): string {
    return 'platform-pipeline';
  }

  chat({
    chatCtx,
    toolCtx,
    connOptions = DEFAULT_API_CONNECT_OPTIONS,
  }: {
    chatCtx: llm.ChatContext;
    toolCtx?: llm.ToolContext;
    connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS;
  }): llm.LLMStream {
    return new PlatformTurnStream(this, { chatCtx, toolCtx, connOptions });
  }
}

/** The last thing the caller said: the platform keeps the history, so one transcript is the whole request. */
function lastUserText(chatCtx: llm.ChatContext): string | undefined {
  for (let i = chatCtx.items.length - 1; i >= 0; i--) {
    const item = chatCtx.items[i]!;
    if (item.type === 'message' && item.role === 'user') return item.textContent ?? undefined;
  }
  return undefined;
}

class PlatformTurnStream extends llm.LLMStream {
  readonly #owner: PlatformLLM;

  constructor(owner: PlatformLLM, params: ConstructorParameters<typeof llm.LLMStream>[1]) {
    super(owner, params);
    this.#owner = owner;
  }

  protected async run(): Promise<void> {
    const { platform, agentId, conversationId, callId, channel, hooks } = this.#owner.options;
    const text = lastUserText(this.chatCtx)?.trim();
    if (!text) return;
    const spoken = new CitationFilter();
    try {
      const events = platform.turn(
        agentId,
        conversationId,
        { text, callId, at: new Date().toISOString(), channel },
        this.abortController.signal,
      );
      for await (const event of events) {
        if (event.type === 'delta') {
          const out = spoken.push(event.text);
          if (out) this.queue.put({ id: conversationId, delta: { role: 'assistant', content: out } });
        } else if (event.type === 'action') {
          hooks.onAction(event.action);
        } else if (event.type === 'done') {
          const rest = spoken.end();
          if (rest) this.queue.put({ id: conversationId, delta: { role: 'assistant', content: rest } });
          this.queue.put({
            id: conversationId,
            usage: {
              promptTokens: event.reply.inputTokens,
              completionTokens: event.reply.outputTokens,
              promptCachedTokens: 0,
              totalTokens: event.reply.inputTokens + event.reply.outputTokens,
            },
          });
          hooks.onDone(event);
          if (event.reply.status === 'failed')
            hooks.onFailure(new Error(event.reply.error ?? 'The model failed.'));
        }
      }
    } catch (error) {
      if (this.abortController.signal.aborted) return;
      hooks.onFailure(error as Error);
    }
  }
}

/**
 * Removes `[entry:<id>]` citation markers from the streamed reply before it is spoken; a marker may be
 * split across deltas, so text from a `[` is held until it is known not to start one.
 */
export class CitationFilter {
  #held = '';

  push(text: string): string {
    this.#held += text;
    let out = '';
    for (;;) {
      const open = this.#held.indexOf('[');
      // Trailing whitespace waits too: it goes with a marker that may follow.
      const before = open < 0 ? this.#held : this.#held.slice(0, open);
      const text = before.trimEnd();
      if (open < 0) {
        this.#held = before.slice(text.length);
        return out + text;
      }
      const rest = this.#held.slice(open);
      const marker = /^\[entry:[^\]\s]*\]/.exec(rest);
      if (marker) {
        out += text;
        this.#held = rest.slice(marker[0].length);
      } else if ('[entry:'.startsWith(rest.slice(0, 7)) && !/[\s\]]/.test(rest.slice(7))) {
        this.#held = before.slice(text.length) + rest;
        return out + text;
      } else {
        out += `${before}[`;
        this.#held = rest.slice(1);
      }
    }
  }

  end(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }
}
