/** The admin site's API client. Types come from the same zod schemas the handlers validate with. */
import type { UpdateMeBody, UserProfile } from '../../functions/api/schemas/me';

export interface RuntimeConfig {
  apiBase: string;
  auth: { mode: 'dev'; tokenUrl: string } | { mode: 'cognito'; domain: string; clientId: string };
}

export interface ProblemDetails {
  title: string;
  detail: string;
  status: number;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail);
  }
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const res = await fetch('/config.json');
  return res.json();
}

export function createClient(config: RuntimeConfig, token: string) {
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${config.apiBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = res.status === 204 ? undefined : await res.json();
    if (!res.ok) throw new ApiError(data as ProblemDetails);
    return { data: data as T, etag: res.headers.get('etag') ?? undefined };
  }
  return {
    getMe: () => request<UserProfile>('GET', '/me'),
    updateMe: (body: UpdateMeBody, etag?: string) =>
      request<UserProfile>('PATCH', '/me', body, etag ? { 'if-match': etag } : {}),
  };
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
