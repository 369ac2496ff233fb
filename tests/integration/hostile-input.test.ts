/**
 * Every route of the table, fed random and hostile params, queries and bodies by fast-check: the
 * answer is always a status its OpenAPI operation lists (the test client checks that on every call),
 * never a 500, and a refused request leaves the tenant exactly as it was. (A documented 503, such
 * as Google not being configured here, is a dependency's answer, not a failure.) New routes join by
 * being in the table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathFor, type RouteSpec } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import { call } from '../support/api';
import { createOrg, tenantSnapshot } from '../support/tenancy';

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202Eevil',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'ORG#other',
    '{{7*7}}',
    'x'.repeat(70_000),
    '-1',
    '1e309',
    'NaN',
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** A body that is deep, wide or oddly keyed as often as it is merely wrong. */
const hostileBody = fc.oneof(
  hostileValue,
  fc.dictionary(hostileString, hostileValue, { maxKeys: 6 }),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}, "name": "x"}')),
  fc.integer({ min: 50, max: 400 }).map((depth) => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < depth; i++) deep = { a: deep };
    return deep;
  }),
);

const paramNames = (route: RouteSpec) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

describe('hostile input over the whole route table', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s never answers 500, and a refusal changes nothing',
    async (_name, route) => {
      const owner = `hostile-${route.operationId}@example.com`;
      const org = await createOrg(owner);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.tuple(...paramNames(route).map(() => hostileString)),
            query: fc.dictionary(
              fc.constantFrom('limit', 'cursor', 'from', 'to', 'status', 'type', 'userId', 'deep', 'x'),
              hostileString,
              {
                maxKeys: 3,
              },
            ),
            body: fc.option(hostileBody, { nil: undefined }),
            realOrg: fc.boolean(),
          }),
          async ({ params, query, body, realOrg }) => {
            const values = Object.fromEntries(
              paramNames(route).map((name, i) => [
                name,
                name === 'orgId' && realOrg ? org.id : params[i] || 'x',
              ]),
            );
            let path: string;
            try {
              path = pathFor(route, values);
            } catch {
              return;
            }
            const search = new URLSearchParams(query).toString();
            const before = await tenantSnapshot(org.id);
            const res = await call(route.method, `${path}${search ? `?${search}` : ''}`, {
              // Platform routes are fed to the configured superadmin, so the input reaches the handler.
              as: route.auth.kind === 'platform' ? 'root@platform.test' : owner,
              ...(body === undefined ? {} : { rawBody: JSON.stringify(body) }),
            });
            expect(res.status, JSON.stringify(res.body)).not.toBe(500);
            if (res.status >= 400) {
              expect(res.headers['content-type']).toBe('application/problem+json');
              expect(await tenantSnapshot(org.id)).toEqual(before);
            }
          },
        ),
        { numRuns: 25, seed: 20261122 },
      );
    },
  );
});

describe('deeply nested JSON', () => {
  const nested = (depth: number): unknown => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < depth; i++) deep = { a: deep };
    return deep;
  };

  it('a 5,000-deep body is refused with a 400 naming the body on every route that reads one, and the webhook refuses it before reading it', async () => {
    const owner = 'deep-body@example.com';
    const org = await createOrg(owner);
    // Written out: JSON.stringify itself would run out of stack on it.
    const rawBody = `${'{"a":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const webhook = await call('POST', '/webhooks/livekit', {
      rawBody,
      headers: { authorization: 'Bearer x.y.z' },
    });
    // Refused at its signature (401), or for want of LiveKit to check it against (503): never parsed.
    expect([401, 503]).toContain(webhook.status);
    const before = await tenantSnapshot(org.id);
    const res = await call('POST', `/orgs/${org.id}/tasks`, { as: owner, rawBody });
    expect([res.status, res.body.errors]).toEqual([
      400,
      [{ field: 'body', message: 'must nest at most 32 levels deep' }],
    ]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('task metadata nested past its bound is a 400 naming metadata, and nothing is stored', async () => {
    const owner = 'deep-metadata@example.com';
    const org = await createOrg(owner);
    const before = await tenantSnapshot(org.id);
    const res = await call('POST', `/orgs/${org.id}/tasks`, {
      as: owner,
      body: { type: 'other', subject: 'Deep', metadata: { deep: nested(30) } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['metadata']);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    const shallow = await call('POST', `/orgs/${org.id}/tasks`, {
      as: owner,
      body: { type: 'other', subject: 'Shallow', metadata: { deep: nested(5) } },
    });
    expect(shallow.status).toBe(201);
  });
});
