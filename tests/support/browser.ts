/**
 * System Chromium through playwright-core (never a downloaded browser). Without Chromium the
 * browser tests skip with a printed reason, except where REQUIRE_BROWSER_TESTS is set (CI),
 * where its absence is a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RunningStack, startNpmStack } from './local-stack';

export const chromiumPath = '/usr/bin/chromium';

export function browserAvailability(): { available: boolean; reason?: string } {
  if (existsSync(chromiumPath)) return { available: true };
  const reason = `${chromiumPath} is missing (Debian package chromium)`;
  if (process.env.REQUIRE_BROWSER_TESTS) throw new Error(`Browser tests are required but ${reason}`);
  console.warn(`Skipping browser tests: ${reason}. CI installs it and requires them.`);
  return { available: false, reason };
}

/** A fresh user data dir per launch, removed on close; `extraArgs` such as a fake microphone's. */
export async function launchChromium(
  extraArgs: string[] = [],
): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSuite {
  readonly stack: RunningStack;
  readonly browser: BrowserContext;
}

/** A suite of browser tests with `npm start` and Chromium running for its duration. */
export function describeInBrowser(name: string, body: (suite: BrowserSuite) => void): void {
  describe.skipIf(!browserAvailability().available)(name, () => {
    let stack: RunningStack | undefined;
    let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
    beforeAll(async () => {
      [stack, chrome] = await Promise.all([startNpmStack(), launchChromium()]);
    }, 90_000);
    afterAll(async () => {
      await chrome?.close();
      await stack?.interrupt();
    });
    body({
      get stack() {
        return stack!;
      },
      get browser() {
        return chrome!.browser;
      },
    });
  });
}
