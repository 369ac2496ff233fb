/** Runs `npm start` as a real child process tree (its own process group) on a free port. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { freePort } from '../../infra/local/ports';

export interface RunningStack {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends Ctrl-C to the whole process group, as a terminal does, and waits until none of it is left. */
  interrupt(): Promise<void>;
}

export function processGroupAlive(pgid: number): boolean {
  return spawnSync('pgrep', ['-g', String(pgid)]).status === 0;
}

export async function startNpmStack(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<RunningStack> {
  const port = await freePort();
  // The stack runs its own LLM stand-in with its fault controls, as `npm start` does anywhere,
  // rather than the test run's shared one that env.ts names.
  const { BEDROCK_ENDPOINT: _shared, ...inherited } = process.env;
  const child = spawn('npm', ['start', '--silent', ...(args.length ? ['--', ...args] : [])], {
    env: { ...inherited, PORT: String(port), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const interrupt = async () => {
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      return; // the group is already gone
    }
    const deadline = Date.now() + 20_000;
    while (processGroupAlive(child.pid!)) {
      if (Date.now() > deadline) throw new Error(`process group ${child.pid} still alive 20 s after Ctrl-C`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const deadline = Date.now() + 45_000;
  while (!/ready at (http:\/\/\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await interrupt();
      throw new Error(`npm start did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /ready at (http:\/\/\S+)/.exec(output)![1]!;
  return { url, child, output: () => output, interrupt };
}

export async function devToken(url: string, email: string, name?: string): Promise<string> {
  const res = await fetch(`${url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, ...(name ? { name } : {}) }),
  });
  if (!res.ok) throw new Error(`POST /dev/token answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Starts `npm start` before the enclosing suite's tests and stops it after them. */
export function useNpmStack(): { readonly current: RunningStack } {
  let stack: RunningStack | undefined;
  beforeAll(async () => {
    stack = await startNpmStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.interrupt();
  });
  return {
    get current() {
      if (!stack) throw new Error('the local stack has not started');
      return stack;
    },
  };
}

/** Calls the stack's API over real HTTP as `token`; anything but a 2xx fails the test with the answer. */
export function stackApi(url: string) {
  return async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
    return text ? JSON.parse(text) : undefined;
  };
}

/**
 * Makes `email` a member of the org with `role` the way people join: `inviter` invites, the invitee
 * accepts with the link's token. Returns the new member's token.
 */
export async function joinOrg(url: string, inviter: string, orgId: string, email: string, role: string) {
  const api = stackApi(url);
  const invite = await api(inviter, 'POST', `/orgs/${orgId}/invites`, { email, role });
  const token = await devToken(url, email);
  await api(token, 'POST', '/invites/accept', { token: new URL(invite.acceptUrl).searchParams.get('token') });
  return token;
}
