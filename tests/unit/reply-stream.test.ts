/**
 * Batching a streamed reply (adapters/reply-stream.ts): deltas of up to ~200 characters or ~100 ms,
 * numbered in order, one publish in flight at a time with up to five events each, then done or
 * failed; a refused publish never fails the reply.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replyStream } from '../../functions/adapters/reply-stream';
import type { ReplyStreamEvent } from '../../functions/api/live';

const replyTo = 'msg_question';

/** A publisher that records each request and answers when told (or at once). */
function recorder(options: { manual?: boolean; refuse?: boolean } = {}) {
  const requests: ReplyStreamEvent[][] = [];
  const pending: (() => void)[] = [];
  const publish = (events: ReplyStreamEvent[]) => {
    requests.push(events);
    if (options.refuse) return Promise.reject(new Error('refused'));
    if (!options.manual) return Promise.resolve();
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const release = async () => {
    for (const resolve of pending.splice(0)) resolve();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { requests, publish, release, events: () => requests.flat() };
}

const text = (events: ReplyStreamEvent[]) => events.map((e) => (e.kind === 'delta' ? e.text : '')).join('');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reply stream', () => {
  it('gathers small pieces for 100 ms into one delta, then says done after the last', async () => {
    const sent = recorder();
    const stream = replyStream(replyTo, { publish: sent.publish });
    stream.onDelta('According ');
    stream.onDelta('to the ');
    await vi.advanceTimersByTimeAsync(99);
    expect(sent.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.events()).toEqual([{ kind: 'delta', replyTo, seq: 0, text: 'According to the ' }]);
    stream.onDelta('handbook.');
    await stream.done('msg_reply');
    expect(sent.events()).toEqual([
      { kind: 'delta', replyTo, seq: 0, text: 'According to the ' },
      { kind: 'delta', replyTo, seq: 1, text: 'handbook.' },
      { kind: 'done', replyTo, seq: 2, messageId: 'msg_reply' },
    ]);
  });

  it('sends a delta at once when it reaches 200 characters, without waiting for the timer', async () => {
    const sent = recorder();
    const stream = replyStream(replyTo, { publish: sent.publish });
    for (let i = 0; i < 20; i += 1) stream.onDelta('0123456789');
    expect(sent.events()).toEqual([{ kind: 'delta', replyTo, seq: 0, text: '0123456789'.repeat(20) }]);
    await stream.done('msg_reply');
    expect(sent.events().map((e) => e.kind)).toEqual(['delta', 'done']);
  });

  it('keeps one publish in flight and sends what piled up behind it together, at most five per request, in order', async () => {
    const sent = recorder({ manual: true });
    const stream = replyStream(replyTo, { publish: sent.publish, maxChars: 10 });
    const pieces = Array.from({ length: 12 }, (_, i) => `piece ${String(i).padStart(3, '0')} `);
    for (const piece of pieces) stream.onDelta(piece);
    expect(sent.requests.map((r) => r.length)).toEqual([1]);
    await sent.release();
    expect(sent.requests.map((r) => r.length)).toEqual([1, 5]);
    await sent.release();
    await sent.release();
    expect(sent.requests.map((r) => r.length)).toEqual([1, 5, 5, 1]);
    const finished = stream.done('msg_reply');
    await sent.release();
    await sent.release();
    await finished;
    const events = sent.events();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(text(events)).toBe(pieces.join(''));
    expect(events.at(-1)).toEqual({ kind: 'done', replyTo, seq: 12, messageId: 'msg_reply' });
  });

  it('never fails the reply when publishing is refused, and goes on with the next pieces', async () => {
    const sent = recorder({ refuse: true });
    const stream = replyStream(replyTo, { publish: sent.publish });
    stream.onDelta('Partial ');
    await vi.advanceTimersByTimeAsync(100);
    stream.onDelta('answer');
    await expect(stream.failed('The model provider sent a reply that could not be read.')).resolves.toBe(
      undefined,
    );
    expect(sent.events()).toEqual([
      { kind: 'delta', replyTo, seq: 0, text: 'Partial ' },
      { kind: 'delta', replyTo, seq: 1, text: 'answer' },
      { kind: 'failed', replyTo, seq: 2, error: 'The model provider sent a reply that could not be read.' },
    ]);
  });

  it('answers after at most settleMs even when the last publish hangs', async () => {
    const sent = recorder({ manual: true });
    const stream = replyStream(replyTo, { publish: sent.publish, settleMs: 2_000 });
    let finished = false;
    void stream.done('msg_reply').then(() => {
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(finished).toBe(true);
  });
});
