import { spawn, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports';
import { workerNotStarted } from '../../infra/local/voice-worker';
import { devToken, processGroupAlive, startNpmStack, useNpmStack } from '../support/local-stack';
import { tempDir } from '../support/temp-dir';

describe('npm start (the local stack over real HTTP)', () => {
  const stack = useNpmStack();

  it('prints the URL it serves on 127.0.0.1', () => {
    expect(stack.current.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('says in one line that the voice worker is not started without a LiveKit server', async () => {
    const deadline = Date.now() + 5_000;
    while (!stack.current.output().includes('Voice worker:') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stack.current.output()).toContain(workerNotStarted);
  });

  it('serves /api/health and 401s /api/me without a token', async () => {
    expect((await fetch(`${stack.current.url}/api/health`)).status).toBe(200);
    const res = await fetch(`${stack.current.url}/api/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('returns the profile for a dev token and keeps the welcome form', async () => {
    const token = await devToken(stack.current.url, 'Ada@Example.com', 'Ada Lovelace');
    const auth = { authorization: `Bearer ${token}` };
    const me = await fetch(`${stack.current.url}/api/me`, { headers: auth });
    expect(me.status).toBe(200);
    const profile = await me.json();
    expect(profile).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', timezone: 'UTC' });

    const patched = await fetch(`${stack.current.url}/api/me`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json', 'if-match': me.headers.get('etag')! },
      body: JSON.stringify({ timezone: 'Asia/Kolkata' }),
    });
    expect(patched.status).toBe(200);
    const again = await (await fetch(`${stack.current.url}/api/me`, { headers: auth })).json();
    expect(again).toMatchObject({ id: profile.id, timezone: 'Asia/Kolkata', welcomeFormCompleted: true });
    // The same email maps to the same subject on a second sign-in.
    const second = await devToken(stack.current.url, 'ada@example.com');
    const viaSecond = await (
      await fetch(`${stack.current.url}/api/me`, { headers: { authorization: `Bearer ${second}` } })
    ).json();
    expect(viaSecond.id).toBe(profile.id);
  });

  it('answers unknown API paths and bad dev-token requests with problem+json', async () => {
    const missing = await fetch(`${stack.current.url}/api/nope`);
    expect(missing.status).toBe(404);
    const bad = await fetch(`${stack.current.url}/dev/token`, {
      method: 'POST',
      body: '{"email":"not-an-email"}',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].field).toBe('email');
  });

  it('says in one line that DynamoDB Local died, and exits, instead of answering 500s', async () => {
    const stack = await startNpmStack();
    const java = spawnSync('pgrep', ['-g', String(stack.child.pid), 'java'], {
      encoding: 'utf8',
    }).stdout.trim();
    expect(java).toMatch(/^\d+$/);
    const exited = new Promise<number | null>((r) => stack.child.once('exit', (code) => r(code)));
    process.kill(Number(java), 'SIGKILL');
    expect(await exited).toBe(1);
    expect(stack.output()).toMatch(
      /DynamoDB Local stopped unexpectedly \(killed by SIGKILL\); the local stack is exiting/,
    );
    await expect.poll(() => processGroupAlive(stack.child.pid!), { timeout: 10_000 }).toBe(false);
  });

  it('stops every child process, DynamoDB Local included, on Ctrl-C', async () => {
    const java = () => spawnSync('pgrep', ['-g', String(stack.current.child.pid), 'java']).status === 0;
    expect(java()).toBe(true);
    await stack.current.interrupt();
    expect(processGroupAlive(stack.current.child.pid!)).toBe(false);
    expect(stack.current.output()).toContain('Local stack stopped.');
    expect((await fetch(`${stack.current.url}/api/health`).catch(() => null))?.status).toBeUndefined();
  });
});

/** Runs a command to its end without blocking this process's event loop (servers here keep answering). */
function run(command: string, args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe('npm start failures', () => {
  const bin = tempDir('nojava-');

  it('reports a port already in use in one line', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const result = await run('npm', ['start', '--silent'], { PORT: String(port) });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        `Port ${port} on 127.0.0.1 is already in use; set PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }
  });

  it('says in one line that Java is missing instead of a stack trace', async () => {
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = await run(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['infra/local/start.ts'], {
      PATH: `${bin}:${dirname(process.execPath)}`,
      PORT: String(await freePort()),
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Java 17 or newer is required/);
  });
});

describe('npm start -- --persist', () => {
  const dir = tempDir('acp-data-');

  it('keeps data across restarts in the data folder', async () => {
    const me = async (url: string, init: RequestInit = {}) => {
      const token = await devToken(url, 'kept@example.com');
      return fetch(`${url}/api/me`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    };
    const first = await startNpmStack({ LOCAL_DATA_DIR: dir }, ['--persist']);
    expect(first.output()).toContain(join(dir, 'dynamodb'));
    const saved = await me(first.url, {
      method: 'PATCH',
      body: JSON.stringify({ timezone: 'Pacific/Auckland' }),
    });
    expect(saved.status).toBe(200);
    await first.interrupt();

    const second = await startNpmStack({ LOCAL_DATA_DIR: dir }, ['--persist']);
    const profile = await (await me(second.url)).json();
    await second.interrupt();
    expect(profile).toMatchObject({ timezone: 'Pacific/Auckland', welcomeFormCompleted: true, version: 2 });
    expect(existsSync(join(dir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);
  }, 120_000);
});
