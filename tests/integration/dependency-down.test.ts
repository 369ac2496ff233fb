/** A database that cannot be reached is a 503 the client can act on, not a 500 with a stack. */
import { describe, expect, it } from 'vitest';
import { call, captureLogs } from '../support/api';

// Nothing listens on port 9: every DynamoDB call of this file's handlers fails to connect.
process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';

describe('DynamoDB unreachable', () => {
  it.each([
    ['GET', '/me'],
    ['GET', '/me/orgs'],
    ['POST', '/orgs'],
    ['GET', '/orgs/org_01JAAAAAAAAAAAAAAAAAAAAAAA/members'],
  ])('%s %s answers 503 problem+json with a plain message', async (method, path) => {
    const { result: res, output } = await captureLogs(() =>
      call(method, path, {
        as: 'down@example.com',
        ...(method === 'POST' ? { body: { name: 'Down' } } : {}),
      }),
    );
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(res.body.detail).toMatch(/unavailable right now; retry/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at .*\.ts|127\.0\.0\.1/);
    expect(output).not.toContain('unhandled error');
  });

  it('keeps liveness answering, and readiness (?deep=1) says the table is unreachable', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const deep = await call('GET', '/health?deep=1');
    expect([deep.status, deep.body.title]).toEqual([503, 'Service Unavailable']);
    expect(deep.headers['retry-after']).toBe('2');
  });
});
