import { describe, expect, it } from 'vitest';
import { type RouteSpec, routeKey } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import { buildEvent, compileRoutes, matchRoute } from '../../infra/local/gateway';

const spec = (method: RouteSpec['method'], path: string): RouteSpec => ({
  operationId: `${method}${path}`,
  method,
  path,
  module: 'm',
  summary: '',
  auth: { kind: 'public' },
  successStatus: 200,
});

describe('local gateway routing', () => {
  const table = compileRoutes([
    spec('GET', '/orgs/{orgId}'),
    spec('GET', '/orgs/mine'),
    spec('POST', '/orgs/{orgId}'),
  ]);

  it('prefers literal segments over parameters, as API Gateway does', () => {
    expect(matchRoute(table, 'GET', '/orgs/mine')?.spec.path).toBe('/orgs/mine');
    expect(matchRoute(table, 'GET', '/orgs/org_1')).toMatchObject({
      spec: { path: '/orgs/{orgId}' },
      pathParameters: { orgId: 'org_1' },
    });
  });

  it('matches the method and decodes parameters', () => {
    expect(matchRoute(table, 'POST', '/orgs/a%20b')?.pathParameters).toEqual({ orgId: 'a b' });
    expect(matchRoute(table, 'DELETE', '/orgs/x')).toBeUndefined();
    expect(matchRoute(table, 'GET', '/orgs/x/y')).toBeUndefined();
  });

  it('builds payload v2 events whose routeKey is the route table entry', () => {
    const route = spec('GET', '/orgs/{orgId}');
    const event = buildEvent(
      {
        method: 'GET',
        path: '/orgs/o1',
        query: new URLSearchParams('a=1&a=2&b=3'),
        headers: { 'X-Thing': 'v' },
      },
      route,
      { orgId: 'o1' },
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /orgs/{orgId}',
      rawPath: '/orgs/o1',
      queryStringParameters: { a: '1,2', b: '3' },
      headers: { 'x-thing': 'v' },
      pathParameters: { orgId: 'o1' },
    });
  });

  it('has no two routes with the same method and path in the real table', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
