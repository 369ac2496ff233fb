/** Runs `npm start` as a real child process tree (its own process group) on a free port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../infra/local/ports';

export interface RunningStack {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends Ctrl-C to the whole process group and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

export async function startNpmStack(env: Record<string, string> = {}): Promise<RunningStack> {
  const port = await freePort();
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: String(port), ...env },
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const interrupt = async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    return exited;
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
