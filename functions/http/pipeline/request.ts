/** Turning an API Gateway v2 event into validated input: JSON body, query, path params, If-Match. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import type { AnySchema, RouteSpec } from '../../api/route';
import { type FieldError, problems } from '../../lib/problem';

export const maxBodyBytes = 64 * 1024;

export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    return [{ field: base || prefix || 'body', message: issue.message }];
  });
}

function validate(schema: AnySchema | undefined, value: unknown, prefix?: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw problems.badRequest(zodFieldErrors(result.error, prefix));
  return result.data;
}

/** The first string (value or key) that is not well-formed UTF-16, as a field path: JSON allows lone surrogates, we do not. */
function malformedStringAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path || 'body';
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return at;
    const found = malformedStringAt(child, at);
    if (found) return found;
  }
  return undefined;
}

function readBody(event: APIGatewayProxyEventV2, limit: number): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > limit) {
    throw problems.invalidField('body', `must be at most ${limit} bytes, got ${raw.byteLength}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw problems.invalidField('body', 'is not valid JSON');
  }
  const malformed = malformedStringAt(parsed, '');
  if (malformed) throw problems.invalidField(malformed, 'must be well-formed Unicode (no lone surrogates)');
  return parsed;
}

/** Many HTTP clients always send a body; `{}` on a route that takes none means "no body". */
function isEmptyObject(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;
}

export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim());
  if (!match) throw problems.invalidField('If-Match', 'must be an ETag returned by this API, such as "3"');
  return Number(match[1]);
}

export function etagFor(version: number): string {
  return `"${version}"`;
}

export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
  headers: unknown;
}

/** The headers a route declares, by their canonical names (API Gateway lower-cases header names). */
function declaredHeaders(spec: RouteSpec, event: APIGatewayProxyEventV2): Record<string, string> {
  const sent = event.headers ?? {};
  return Object.fromEntries(
    Object.keys(spec.headers?.shape ?? {}).flatMap((name) => {
      const value = sent[name.toLowerCase()];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

export function parseInput(spec: RouteSpec, event: APIGatewayProxyEventV2): ParsedInput {
  const body = readBody(event, spec.maxBodyBytes ?? maxBodyBytes);
  if (!spec.body && body !== undefined && !isEmptyObject(body)) {
    throw problems.invalidField('body', 'this route takes no body (send none, or {})');
  }
  return {
    params: validate(spec.params, event.pathParameters ?? {}),
    query: validate(spec.query, event.queryStringParameters ?? {}),
    body: spec.body ? validate(spec.body, body ?? {}) : undefined,
    headers: validate(spec.headers, declaredHeaders(spec, event)),
  };
}
