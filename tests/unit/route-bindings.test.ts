/** The route table and the handler modules agree by test: every route has one implementation, every implementation a route. */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RouteSpec, routeKey } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import * as calendar from '../../functions/api/routes/calendar';
import * as profile from '../../functions/api/routes/profile';
import * as tenancy from '../../functions/api/routes/tenancy';

const httpDir = resolve(import.meta.dirname, '../../functions/http');
const modules = readdirSync(httpDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));

async function served(module: string): Promise<string[]> {
  const { handler } = (await import(`${httpDir}/${module}.ts`)) as { handler: { routes: RouteSpec[] } };
  return handler.routes.map(routeKey);
}

describe('route bindings', () => {
  it('every handler module serves exactly the routes the table assigns to it', async () => {
    for (const module of modules) {
      const assigned = routes.filter((r) => r.module === module).map(routeKey);
      expect(assigned.length, `${module}.ts serves no route of the table`).toBeGreaterThan(0);
      expect((await served(module)).sort(), module).toEqual(assigned.sort());
    }
  });

  it('every route of the table names an existing module, and each route key is unique', () => {
    for (const route of routes) expect(modules, routeKey(route)).toContain(route.module);
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
  });

  it('operation ids are the route exports’ own names', () => {
    for (const group of [calendar, profile, tenancy]) {
      for (const [name, spec] of Object.entries(group)) expect(spec.operationId).toBe(name);
    }
  });
});
