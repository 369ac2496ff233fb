/** Turning an API Gateway v2 event into validated input: JSON body, query, path params, If-Match. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { AnySchema, RawBody, RouteSpec } from '../../api/route';
import { type FieldError, Problem, problems } from '../../lib/problem';

export const maxBodyBytes = 64 * 1024;

export function zodFieldErrors(error: z.core.$ZodError, prefix?: string): FieldError[] {
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

/**
 * DynamoDB stores at most 32 levels of nesting, and no request of ours needs more; deeper input
 * is refused here, before any rule or store sees it.
 */
export const maxBodyDepth = 32;

/**
 * The first place in a parsed body that we refuse: a string (value or key) that is not well-formed
 * UTF-16 (JSON allows lone surrogates, we do not), or nesting past maxBodyDepth. Iterative, so
 * hostile depth costs a loop, not the call stack.
 */
function malformedAt(body: unknown): FieldError | undefined {
  const pending: [value: unknown, path: string, depth: number][] = [[body, '', 0]];
  while (pending.length > 0) {
    const [value, path, depth] = pending.pop()!;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return { field: path || 'body', message: unicodeMessage };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth === maxBodyDepth)
      return { field: 'body', message: `must nest at most ${maxBodyDepth} levels deep` };
    // Pushed last to first, so the first offending field in document order is the one named.
    for (const [key, child] of Object.entries(value).reverse()) {
      const at = path ? `${path}.${key}` : key;
      if (!key.isWellFormed()) return { field: at, message: unicodeMessage };
      pending.push([child, at, depth + 1]);
    }
  }
  return undefined;
}

const unicodeMessage = 'must be well-formed Unicode (no lone surrogates)';

function parseJson(raw: Buffer): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw problems.invalidField('body', 'is not valid JSON');
  }
  const malformed = malformedAt(parsed);
  if (malformed) throw problems.badRequest([malformed]);
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

function rawBodyOf(event: APIGatewayProxyEventV2, limit: number): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > limit) {
    throw problems.invalidField('body', `must be at most ${limit} bytes, got ${raw.byteLength}`);
  }
  return raw;
}

/**
 * A raw body (`rawBody` routes: recorded audio): one of the route's media types, not empty, at most
 * its maxBodyBytes. API Gateway (and the local gateway) hand binary bodies over base64-encoded.
 */
function rawMediaBody(spec: RouteSpec & { rawBody: object }, event: APIGatewayProxyEventV2): RawBody {
  const { mediaTypes } = spec.rawBody;
  const sent = event.headers?.['content-type'];
  const mediaType = sent?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!mediaTypes.includes(mediaType)) {
    const message = `must be one of ${mediaTypes.join(', ')}; got ${sent ? mediaType : 'none'}`;
    throw new Problem(415, 'Unsupported Media Type', `Content-Type ${message}.`, [
      { field: 'Content-Type', message },
    ]);
  }
  const bytes =
    event.body === undefined || event.body === null
      ? Buffer.alloc(0)
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const limit = spec.maxBodyBytes ?? maxBodyBytes;
  if (bytes.byteLength > limit) {
    const message = `must be at most ${limit} bytes, got ${bytes.byteLength}`;
    throw new Problem(413, 'Content Too Large', `The body ${message}.`, [{ field: 'body', message }]);
  }
  if (bytes.byteLength === 0) throw problems.invalidField('body', `is empty; send the ${mediaType} bytes`);
  return { mediaType, bytes };
}

/** The validated body; a signed one is left to the implementation, which checks its signature first. */
function bodyOf(spec: RouteSpec, event: APIGatewayProxyEventV2): unknown {
  if (spec.rawBody) return rawMediaBody(spec as RouteSpec & { rawBody: object }, event);
  const raw = rawBodyOf(event, spec.maxBodyBytes ?? maxBodyBytes);
  if (spec.signedBody) return undefined;
  const body = raw && parseJson(raw);
  if (!spec.body && body !== undefined && !isEmptyObject(body)) {
    throw problems.invalidField('body', 'this route takes no body (send none, or {})');
  }
  return spec.body ? validate(spec.body, body ?? {}) : undefined;
}

export function parseInput(spec: RouteSpec, event: APIGatewayProxyEventV2): ParsedInput {
  return {
    params: validate(spec.params, event.pathParameters ?? {}),
    query: validate(spec.query, event.queryStringParameters ?? {}),
    body: bodyOf(spec, event),
    headers: validate(spec.headers, declaredHeaders(spec, event)),
  };
}
