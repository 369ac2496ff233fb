import { describe, expect, it } from 'vitest';
import { redact } from '../../functions/lib/logger';
import { call, captureLogs, tokenFor } from '../support/api';

process.env.LOG_LEVEL = 'debug';

describe('structured logs', () => {
  it('log each request as JSON with its request id and never the token', async () => {
    const token = tokenFor('logs@example.com');
    const { result, output } = await captureLogs(async () => {
      await call('GET', '/me', { token });
      return call('PATCH', '/me', { token, rawBody: '{bad json' });
    });
    expect(result.status).toBe(400);
    const lines = output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.level && l.time && l.requestId && l.routeKey)).toBe(true);
    expect(lines.map((l) => l.status)).toEqual(expect.arrayContaining([200, 400]));
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.split('.')[1]);
  });

  it('redact credentials by key and JWT-shaped strings anywhere', () => {
    const jwt = tokenFor('r@example.com');
    expect(
      redact({ headers: { authorization: `Bearer ${jwt}` }, refresh_token: 'r', note: `saw ${jwt}`, n: 1 }),
    ).toEqual({
      headers: { authorization: '[redacted]' },
      refresh_token: '[redacted]',
      note: 'saw [redacted-jwt]',
      n: 1,
    });
  });

  it('redact JWTs inside URLs, quotes and after Bearer, and nothing that merely starts like one', () => {
    const jwt = tokenFor('r2@example.com');
    expect(redact(`GET /x?t=${jwt}&a=1 "Bearer ${jwt}" (${jwt})`)).toBe(
      'GET /x?t=[redacted-jwt]&a=1 "Bearer [redacted-jwt]" ([redacted-jwt])',
    );
    expect(redact('xeyJhbGc.a.b eyJonly-one-part eyJa.b')).toBe('xeyJhbGc.a.b eyJonly-one-part eyJa.b');
  });

  it.each([
    ['repeated JWT prefixes', 'eyJ'.repeat(350_000)],
    // Quadratic for the former single pattern: every "-eyJ" is a new match start that runs to the end.
    ['prefixes between dashes', '-eyJ'.repeat(250_000)],
    ['a prefix with one dot', `eyJ${'a'.repeat(500_000)}.${'b'.repeat(500_000)}`],
    ['Bearer and whitespace', `Bearer ${' '.repeat(1_000_000)}x`],
    ['dots and prefixes', 'eyJa.'.repeat(200_000)],
  ])('redact 1 MB of %s in linear time (under 50 ms)', (_name, input) => {
    redact(input.slice(0, 1000));
    const started = performance.now();
    redact(input);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
