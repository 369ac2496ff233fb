import { describe, expect, it } from 'vitest';
import { previewChars, previewOf, userMessage } from '../../functions/domain/conversations';

describe('a conversation’s preview', () => {
  it('is its first question with whitespace folded', () => {
    expect(previewOf('  Where do\n visitors   park? ')).toBe('Where do visitors park?');
  });

  it('is cut at a word with an ellipsis when long', () => {
    const preview = previewOf(`${'parking '.repeat(40)}end`);
    expect(preview.length).toBeLessThanOrEqual(previewChars + 1);
    expect(preview).toMatch(/parking…$/);
  });
});

describe('a message’s way in', () => {
  it('is typed unless said', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(userMessage('cnv_x', 'hi', at).via).toBe('text');
    expect(userMessage('cnv_x', 'hi', at, 'voice').via).toBe('voice');
  });
});
