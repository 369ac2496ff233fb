/**
 * The local stand-in for API Gateway HTTP API: matches a request against the route table, builds
 * the same payload-v2 event API Gateway would, and invokes the real handler module. Requests
 * under /api go to handlers; other prefixes go to local-only services; the rest is the web app.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type RouteSpec, routeKey } from '../../functions/api/route';

export const apiPrefix = '/api';
const maxGatewayBodyBytes = 10 * 1024 * 1024;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A local-only endpoint group (dev identity provider, Google emulator); returns false if not its path. */
export type LocalService = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
) => Promise<boolean>;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  paramNames: string[];
  literalSegments: number;
}

function compile(spec: RouteSpec): CompiledRoute {
  const paramNames: string[] = [];
  const segments = spec.path.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return {
    spec,
    pattern: new RegExp(`^/${pattern}/?$`),
    paramNames,
    literalSegments: segments.length - paramNames.length,
  };
}

export function compileRoutes(routes: readonly RouteSpec[]): CompiledRoute[] {
  return routes.map(compile);
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  const candidates = routes
    .filter((r) => r.spec.method === method)
    .map((r) => ({ route: r, match: r.pattern.exec(path) }))
    .filter((c) => c.match)
    .sort((a, b) => b.route.literalSegments - a.route.literalSegments);
  const best = candidates[0];
  if (!best?.match) return undefined;
  const pathParameters = Object.fromEntries(
    best.route.paramNames.map((name, i) => [name, decodeURIComponent(best.match![i + 1]!)]),
  );
  return { spec: best.route.spec, pathParameters };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxGatewayBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isText(contentType: string | undefined): boolean {
  return !contentType || /json|text|x-www-form-urlencoded|xml/.test(contentType);
}

export interface EventInput {
  method: string;
  /** Path relative to the /api prefix. */
  path: string;
  headers?: Record<string, string>;
  query?: URLSearchParams;
  body?: Buffer;
  sourceIp?: string;
}

/** Builds the API Gateway HTTP API payload v2 event for a matched route, as API Gateway would. */
export function buildEvent(
  input: EventInput,
  spec: RouteSpec,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const query: Record<string, string> = {};
  for (const [name, value] of input.query ?? [])
    query[name] = name in query ? `${query[name]},${value}` : value;
  const body = input.body ?? Buffer.alloc(0);
  const text = isText(headers['content-type']);
  const now = new Date();
  const key = routeKey(spec);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: input.path,
    rawQueryString: input.query?.toString() ?? '',
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: input.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(text ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !text,
  };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail, requestId: randomUUID() }));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * As CloudFront serves the site (web-stack.ts, siteCacheHeaders): Vite names every file under
 * /assets/ by its content, so a browser may keep it for good; the page itself is asked for afresh
 * each time, so a new build's page (naming new assets) is seen at once.
 */
const assetsPrefix = '/assets/';
const foreverCached = 'public, max-age=31536000, immutable';

async function serveWeb(res: ServerResponse, webRoot: string, path: string, runtimeConfig: unknown) {
  if (path === '/config.json') return sendJson(res, 200, runtimeConfig);
  const file = normalize(join(webRoot, path === '/' ? 'index.html' : path));
  const target = file.startsWith(webRoot) && extname(file) ? file : join(webRoot, 'index.html');
  try {
    const data = await readFile(target);
    res.writeHead(200, {
      'content-type': contentTypes[extname(target)] ?? 'application/octet-stream',
      'cache-control': target.startsWith(join(webRoot, assetsPrefix)) ? foreverCached : 'no-cache',
    });
    res.end(data);
  } catch {
    sendProblem(res, 404, 'Not Found', 'The admin site is not built here; run `npm run build:web`.');
  }
}

export interface GatewayOptions {
  routes: readonly RouteSpec[];
  loadHandler(module: string): Promise<Handler>;
  services: LocalService[];
  webRoot: string;
  runtimeConfig: unknown;
}

export function createGateway(options: GatewayOptions) {
  const compiled = compileRoutes(options.routes);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      if (body.length > maxGatewayBodyBytes)
        return sendProblem(res, 413, 'Payload Too Large', 'Body over 10 MB.');
      for (const service of options.services) {
        if (await service(req, res, url, body)) return;
      }
      if (url.pathname !== apiPrefix && !url.pathname.startsWith(`${apiPrefix}/`)) {
        return await serveWeb(res, options.webRoot, url.pathname, options.runtimeConfig);
      }
      const path = url.pathname.slice(apiPrefix.length) || '/';
      const matched = matchRoute(compiled, req.method ?? 'GET', path);
      if (!matched) return sendProblem(res, 404, 'Not Found', `No route ${req.method} ${path}.`);
      const event = buildEvent(
        {
          method: req.method ?? 'GET',
          path,
          headers: headersOf(req),
          query: url.searchParams,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        },
        matched.spec,
        matched.pathParameters,
      );
      const handler = await options.loadHandler(matched.spec.module);
      const result = await handler(event, lambdaContext(matched.spec.module, event.requestContext.requestId));
      const headers = { ...result.headers } as Record<string, string | string[]>;
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      res.writeHead(result.statusCode ?? 200, headers);
      res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    } catch (error) {
      console.error('local gateway error:', error instanceof Error ? error.message : error);
      if (!res.headersSent) sendProblem(res, 502, 'Bad Gateway', 'The handler failed; see the stack log.');
      else res.end();
    }
  };
}
