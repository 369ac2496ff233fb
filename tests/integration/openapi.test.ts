import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/routes';
import { call } from '../support/api';

describe('GET /openapi.json', () => {
  it('is public and lists every route of the table with its schemas and security', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((p) =>
      Object.values(p),
    );
    expect(operations).toHaveLength(routes.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(routes.length);

    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.operationId);
      expect(op.security).toEqual(route.auth.kind === 'public' ? [] : [{ bearer: [] }]);
      expect(Boolean(op.requestBody)).toBe(Boolean(route.body || route.rawBody));
      // A raw body (recorded audio) is listed by its media types, as bytes.
      if (route.rawBody) {
        expect(Object.keys(op.requestBody.content)).toEqual(route.rawBody.mediaTypes);
        expect(op.requestBody.content[route.rawBody.mediaTypes[0]!].schema).toEqual({
          type: 'string',
          format: 'binary',
        });
      }
      const success = op.responses[String(route.successStatus)];
      // A newline-delimited answer (the voice worker's turn) lists its line schema under its own media type.
      const mediaType = route.responseFraming === 'ndjson' ? 'application/x-ndjson' : 'application/json';
      expect(Boolean(success?.content?.[mediaType]?.schema)).toBe(Boolean(route.response));
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name)).toEqual(pathParams);
    }
  });

  it('describes bodies and responses from the zod schemas, with shared components that resolve', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const create = doc.paths['/orgs/{orgId}/invites'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['email']);
    expect(body.properties.expiresInDays).toMatchObject({ minimum: 1, maximum: 30, default: 7 });
    expect(body.properties.role.enum).toEqual(['owner', 'admin', 'manager', 'member', 'viewer']);
    expect(doc.paths['/orgs/{orgId}/members'].get.parameters.map((p: any) => p.name)).toEqual([
      'orgId',
      'limit',
      'cursor',
    ]);

    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs).toContain('Member');
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('lists each route’s own refusals beside those its shape implies, all as problem+json', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/orgs/{orgId}/invites', 'post')).toEqual(
      ['201', '400', '401', '403', '404', '409', '422', '429', '503'].sort(),
    );
    // Public routes too answer 403 to a request that bypassed CloudFront (origin-verify.test.ts).
    expect(statuses('/health', 'get')).toEqual(['200', '400', '403', '503']);
    expect(doc.paths['/health'].get.responses['403'].description).toMatch(/outside the public address/);
    expect(statuses('/openapi.json', 'get')).toEqual(['200', '400', '403']);
    expect(statuses('/orgs/{orgId}/calendar/events', 'post')).toContain('502');
    for (const path of Object.values(doc.paths) as Record<string, any>[]) {
      for (const op of Object.values(path)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
          if (Number(status) < 400) continue;
          expect(response.content['application/problem+json'].schema.$ref).toBe(
            '#/components/schemas/Problem',
          );
        }
      }
    }
  });
});
