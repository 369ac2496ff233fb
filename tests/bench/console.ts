/**
 * `npm run bench`, the console's load (run.ts starts this in its own process and formats the one
 * JSON line it prints, console-report.ts): the whole local stack as `npm start` runs it, serving the
 * freshly built web/dist, Chromium as the browser tests launch it, a signed-in user with an org of a
 * few agents, then fresh navigations to the org's agents list, timed from navigation start to the
 * list's first row.
 *
 * Two kinds of load, BENCH_CONSOLE_RUNS (default 5) of each:
 * - returning: the HTTP cache holds the site's assets from an earlier visit (the headline; what a
 *   person opening the console again sees);
 * - first visit: the HTTP cache emptied before each load (the session stays in local storage).
 *
 * Every load is a new tab (no JavaScript or memory cache carried over), 1280x800.
 */
import { spawnSync } from 'node:child_process';
import type { BrowserContext } from 'playwright-core';
import { freePort } from '../../infra/local/ports';
import { startLocalStack } from '../../infra/local/stack';
import { setEntitlements } from '../../infra/scripts/set-entitlements';
import { launchChromium } from '../support/browser';
import { devToken } from '../support/local-stack';

const runs = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
const log = (line: string) => process.stderr.write(`${line}\n`);
/** The mark the page sets when the agents table's first row is in the document (init script below). */
const readyMark = 'agents-list-rendered';

export interface WaterfallRow {
  /** The URL's path (and query), or `document` for the navigation itself. */
  path: string;
  /** What started it, as Resource Timing says: `script` (an import), `link` (a preload), `fetch`… */
  initiator: string;
  start: number;
  end: number;
  /** Served from the HTTP cache (nothing transferred). */
  cached: boolean;
}

export interface ConsoleLoad {
  ms: number;
  meRequests: number;
  waterfall: WaterfallRow[];
}

export interface ConsoleResult {
  runs: number;
  agents: number;
  returning: ConsoleLoad[];
  firstVisit: ConsoleLoad[];
}

log('console: building web/dist, then npm start and Chromium');
// The bench measures the code as it stands, not whichever build was left in web/dist.
const built = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) throw new Error('npm run build:web failed');

process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
const stack = await startLocalStack({ port: await freePort() });
// Nothing else runs in this process while it measures: no dispatcher, no queue draining.
stack.scheduler.stop();
const chrome = await launchChromium();
try {
  const result = await measure(stack.url, chrome.browser);
  console.log(JSON.stringify(result));
} finally {
  await chrome.close();
  await stack.stop();
}

async function measure(url: string, browser: BrowserContext): Promise<ConsoleResult> {
  const token = await devToken(url, 'bench-console@example.com', 'Bench Console');
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<{ id: string }>;
  };
  await api('PATCH', '/me', { timezone: 'Europe/Madrid' });
  const org = await api('POST', '/orgs', { name: 'Bench console' });
  // The free plan allows one agent; a list of several is what is timed.
  await setEntitlements({ orgId: org.id, plan: 'professional', operator: 'bench-console@example.com' });
  const agents = 5;
  for (let i = 1; i <= agents; i++)
    await api('POST', `/orgs/${org.id}/agents`, { name: `Agent ${i}`, type: 'voice', status: 'active' });

  // The first row of the agents table (the desktop layout), as soon as it is in the document; the
  // next animation frame is the one that paints it.
  await browser.addInitScript((mark: string) => {
    const observer = new MutationObserver(() => {
      if (!document.querySelector('table[aria-label="Agents"] tbody tr')) return;
      observer.disconnect();
      requestAnimationFrame(() => performance.mark(mark));
    });
    observer.observe(document, { childList: true, subtree: true });
  }, readyMark);
  // Signed in as the app signs in: the dev identity's token in local storage.
  const setup = await browser.newPage();
  await setup.goto(url);
  await setup.evaluate((t) => localStorage.setItem('acp.session', t), token);
  const target = `${url}/#/orgs/${org.id}/agents`;

  const load = async (emptyCache: boolean): Promise<ConsoleLoad> => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    if (emptyCache) await (await browser.newCDPSession(page)).send('Network.clearBrowserCache');
    await page.goto(target);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, readyMark, {
      timeout: 30_000,
    });
    // No named functions inside: the page runs this as written, without tsx's helpers.
    const measured = await page.evaluate((mark) => {
      const ms = performance.getEntriesByName(mark)[0]!.startTime;
      const entries = [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource').filter((e) => e.startTime <= ms),
      ] as PerformanceResourceTiming[];
      return {
        ms,
        waterfall: entries.map((e) => ({
          path: e.entryType === 'navigation' ? 'document' : new URL(e.name).pathname + new URL(e.name).search,
          initiator: e.initiatorType,
          start: e.startTime,
          end: e.responseEnd,
          cached: e.transferSize === 0 && e.decodedBodySize > 0,
        })),
      };
    }, readyMark);
    await page.close();
    return {
      ...measured,
      meRequests: measured.waterfall.filter((r) => r.path === '/api/me').length,
    };
  };

  // One load fills the HTTP cache (and warms the stack's handlers) before the returning loads.
  await load(false);
  const returning: ConsoleLoad[] = [];
  for (let i = 0; i < runs; i++) returning.push(await load(false));
  const firstVisit: ConsoleLoad[] = [];
  for (let i = 0; i < runs; i++) firstVisit.push(await load(true));
  await setup.close();
  return { runs, agents, returning, firstVisit };
}
