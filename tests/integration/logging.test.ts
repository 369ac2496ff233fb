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
});
