/**
 * The admin site's API client. It calls routes straight from the route table, so paths, request
 * and response types all come from the same specs and zod schemas the handlers use.
 */
import type { BodyInputOf, ParamsOf, QueryOf, ResultOf, RouteSpec } from '../../../functions/api/route';
import { pathFor } from '../../../functions/api/route';
import type { UserProfile } from '../../../functions/api/schemas/me';

/** /config.json: written by the local stack, or by the Web stack from the deployment's outputs. */
export interface RuntimeConfig {
  apiBase: string;
  auth:
    | { mode: 'dev'; tokenUrl: string }
    | { mode: 'cognito'; domain: string; clientId: string }
    | { mode: 'propelauth'; issuer: string; audience: string };
  /**
   * The live channels (AppSync Events): its realtime WebSocket URL (relative locally, resolved
   * against the site's origin) and the HTTP host its auth header names (locally the site's own).
   */
  live?: { realtimeUrl: string; host?: string };
}

/** RFC 9457 problem details, as the API sends them. */
export interface ProblemDetails {
  title: string;
  detail: string;
  status: number;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly problem: ProblemDetails,
    /** A 429's Retry-After: seconds until trying again can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(problem.detail);
  }
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const res = await fetch('/config.json');
  return res.json();
}

export type Input<R extends RouteSpec> = {
  params?: ParamsOf<R>;
  query?: Partial<Record<keyof QueryOf<R>, string | number | undefined>>;
  body?: BodyInputOf<R>;
  etag?: string;
};

export interface Result<T> {
  data: T;
  etag?: string;
}

export type Client = <R extends RouteSpec>(route: R, input?: Input<R>) => Promise<Result<ResultOf<R>>>;

/** One request to the API with the caller's token; a refusal is thrown as an ApiError. */
async function send<T>(
  config: RuntimeConfig,
  token: string,
  method: string,
  pathAndQuery: string,
  input: { body?: unknown; etag?: string } = {},
): Promise<Result<T>> {
  const raw = input.body instanceof Blob ? input.body : undefined;
  let res: Response;
  try {
    res = await fetch(`${config.apiBase}${pathAndQuery}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(input.body === undefined
          ? {}
          : { 'content-type': raw ? raw.type || 'application/octet-stream' : 'application/json' }),
        ...(input.etag ? { 'if-match': input.etag } : {}),
      },
      // A raw-body route (a recorded utterance) takes the Blob's bytes as they are.
      body: raw ?? (input.body === undefined ? undefined : JSON.stringify(input.body)),
    });
  } catch {
    throw new ApiError({
      title: 'Network error',
      status: 0,
      detail: 'The API could not be reached; check your connection and try again.',
    });
  }
  const data = res.status === 204 ? undefined : await res.json();
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
    throw new ApiError(data as ProblemDetails, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  return { data, etag: res.headers.get('etag') ?? undefined };
}

export function createClient(config: RuntimeConfig, token: string): Client {
  return (route, input = {}) => {
    const query = new URLSearchParams(
      Object.entries(input.query ?? {}).flatMap(([k, v]) =>
        v === undefined || v === '' ? [] : [[k, String(v)]],
      ),
    ).toString();
    const path = pathFor(route, (input.params ?? {}) as Record<string, string>);
    return send(config, token, route.method, `${path}${query ? `?${query}` : ''}`, input);
  };
}

/**
 * GET /me, the request every signed-in page waits for, sent as soon as the config is known: the
 * console's code (where the route table's getMe lives, with the schemas the sign-in page does not
 * load) is still downloading and starting then. The path is getMe's; the console-load browser test
 * holds the two to one request.
 */
export function prefetchProfile(config: RuntimeConfig, token: string): Promise<Result<UserProfile>> {
  return send(config, token, 'GET', '/me');
}

export async function devSignIn(config: RuntimeConfig, email: string, name?: string): Promise<string> {
  if (config.auth.mode !== 'dev') throw new Error('Dev sign-in is only available on the local stack');
  const res = await fetch(config.auth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, ...(name ? { name } : {}) }),
  });
  const data = await res.json();
  if (!res.ok) throw new ApiError(data as ProblemDetails);
  return data.token as string;
}

/** The sentence to show for a failure: the API's own detail, never a status line. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  return error instanceof Error ? error.message : String(error);
}

/** The API's messages per field it names (`email`, `extraDomains.1`), for the form fields beside them. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries((error.problem.errors ?? []).map((e) => [e.field, e.message]));
}
