import { describe, expect, it } from 'vitest';
import { describeValue } from '../../web/src/app/audit-values';

const format = (iso: string) => `at ${iso.slice(0, 10)}`;
const text = (value: unknown, other?: unknown) => describeValue(value, other, format);

describe('describeValue (the audit log’s values)', () => {
  it('reads plain values as before', () => {
    expect([text(null), text(undefined), text(true), text(false), text(4), text('admin')]).toEqual([
      'none',
      'none',
      'on',
      'off',
      '4',
      'admin',
    ]);
    expect([text([]), text(['a.test', 'b.test']), text('2026-03-01T10:00:00.000Z')]).toEqual([
      'none',
      'a.test, b.test',
      'at 2026-03-01',
    ]);
  });

  it('names a stored key by whether it is set and its last four, never [object Object]', () => {
    expect(text({ set: true, last4: '1234' })).toBe('set (…1234)');
    expect(text({ set: true })).toBe('set');
    expect(text({ set: false })).toBe('not set');
    const voice = {
      provider: 'elevenlabs',
      model: 'eleven_flash',
      voice: 'Rachel',
      apiKey: { set: true, last4: '1234' },
    };
    expect(text(voice)).toBe('provider: elevenlabs, model: eleven_flash, voice: Rachel, apiKey: set (…1234)');
    expect(text(voice)).not.toContain('[object Object]');
  });

  it('shows only the parts of a change that differ, nested ones by key path', () => {
    const before = { provider: 'elevenlabs', model: 'm', apiKey: { set: true, last4: '1234' } };
    const after = { provider: 'elevenlabs', model: 'm', apiKey: { set: true, last4: '9876' } };
    expect([text(before, after), text(after, before)]).toEqual([
      'apiKey: set (…1234)',
      'apiKey: set (…9876)',
    ]);
    expect(text({ a: { b: { c: 1 } }, d: 2 }, { a: { b: { c: 2 } }, d: 2 })).toBe('a.b.c: 1');
    expect(text({ maxUsers: 5, maxAgents: 3 }, { maxUsers: 4, maxAgents: 3 })).toBe('5 members');
    expect(text({ promptId: 'prm_1', version: 'latest' }, null)).toBe('promptId: prm_1, version: latest');
  });

  it('separates items that have parts of their own by semicolons', () => {
    expect(text([{ a: 1, b: 2 }, { a: 3 }])).toBe('a: 1, b: 2; a: 3');
    expect(text({})).toBe('none');
  });
});
