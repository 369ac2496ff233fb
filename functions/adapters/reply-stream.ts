/**
 * A reply streamed to the admin site while the model writes it (README "Conversations"): the
 * model's pieces are gathered into deltas of up to ~200 characters or ~100 ms, whichever comes
 * first, numbered, and published to the conversation's live channel one request at a time (up to
 * five events each, AppSync's limit), so they arrive in order and a slow publish batches what
 * piled up behind it instead of fanning out more requests. Publishing is a courtesy to whoever
 * watches: a failure is logged and the message carries on, since the HTTP answer holds the reply
 * whole anyway.
 */
import { channelOf, type ReplyStreamEvent } from '../api/live';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { maxEventsPerPublish, publishEvents } from './live-events';

export interface ReplyStreamOptions {
  /** Sends one request's worth of events (at most five); rejects when they are refused. */
  publish: (events: ReplyStreamEvent[]) => Promise<void>;
  /** A delta goes out once it holds this many characters… */
  maxChars?: number;
  /** …or this long after its first character, whichever comes first. */
  maxDelayMs?: number;
  /** How long the last event may hold up the answer before it is left to finish on its own. */
  settleMs?: number;
}

export interface ReplyStream {
  /** For LlmRequest.onDelta: a piece of the reply's text. */
  onDelta(text: string): void;
  /** The reply is stored: flushes the text, then says `done` with the stored message's id. */
  done(messageId: string): Promise<void>;
  /** The reply failed: flushes the text, then says `failed` with the stored reason. */
  failed(error: string): Promise<void>;
}

export function replyStream(replyTo: string, options: ReplyStreamOptions): ReplyStream {
  const { publish, maxChars = 200, maxDelayMs = 100, settleMs = 2_000 } = options;
  let seq = 0;
  let buffer = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const queue: ReplyStreamEvent[] = [];
  let sending: Promise<void> | undefined;

  const pump = () => {
    if (sending || queue.length === 0) return;
    const batch = queue.splice(0, maxEventsPerPublish);
    sending = publish(batch)
      .catch((error: unknown) =>
        logger.warn('reply stream publish failed', { replyTo, seq: batch[0]!.seq, error }),
      )
      .finally(() => {
        sending = undefined;
        pump();
      });
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer === '') return;
    queue.push({ kind: 'delta', replyTo, seq: seq++, text: buffer });
    buffer = '';
    pump();
  };
  const finish = async (last: (seq: number) => ReplyStreamEvent) => {
    flush();
    queue.push(last(seq++));
    pump();
    let waited: ReturnType<typeof setTimeout> | undefined;
    const drained = (async () => {
      while (sending) await sending;
    })();
    await Promise.race([drained, new Promise((resolve) => (waited = setTimeout(resolve, settleMs)))]);
    clearTimeout(waited);
  };

  return {
    onDelta(text) {
      buffer += text;
      if (buffer.length >= maxChars) flush();
      else timer ??= setTimeout(flush, maxDelayMs);
    },
    done: (messageId) => finish((n) => ({ kind: 'done', replyTo, seq: n, messageId })),
    failed: (error) => finish((n) => ({ kind: 'failed', replyTo, seq: n, error })),
  };
}

/**
 * The stream of one reply on its conversation's channel, through the signed HTTP publisher;
 * undefined where no live endpoint is configured (nothing could listen).
 */
export function conversationReplyStream(
  orgId: string,
  conversationId: string,
  replyTo: string,
): ReplyStream | undefined {
  if (!config().liveEventsUrl) return undefined;
  const channel = channelOf(orgId, 'conversations', conversationId);
  return replyStream(replyTo, { publish: (events) => publishEvents(channel, events) });
}
