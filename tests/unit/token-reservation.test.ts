import { describe, expect, it } from 'vitest';
import { tokenReservation } from '../../functions/domain/conversations';

const reserve = (system: string, text: string, maxTokens: number) =>
  tokenReservation({ system, messages: [{ role: 'user', text }], maxTokens });

describe('a message’s token reservation', () => {
  it('holds one token per UTF-8 byte sent and the agent’s maxTokens, above what any byte-level tokenizer counts', () => {
    const base = reserve('', '', 0);
    expect(base).toBeGreaterThan(0); // the per-request and per-turn margin
    expect(reserve('abcd', '', 0) - base).toBe(4);
    expect(reserve('', 'hello', 0) - base).toBe(5);
    expect(reserve('', '', 1024) - base).toBe(1024);
    // Three bytes per character of Japanese text.
    expect(reserve('', '予約', 0) - base).toBe(6);
    // Every turn of the history counts, with its margin.
    const twoTurns = tokenReservation({
      system: '',
      messages: [
        { role: 'user', text: 'ab' },
        { role: 'assistant', text: 'cd' },
        { role: 'user', text: '' },
      ],
      maxTokens: 0,
    });
    expect(twoTurns - base).toBeGreaterThan(4);
  });
});
