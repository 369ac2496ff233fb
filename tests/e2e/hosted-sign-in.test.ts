import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/routes';
import { createGateway } from '../../infra/local/gateway';
import { freePort, listenLocal } from '../../infra/local/ports';
import { browserAvailability, launchChromium } from '../support/browser';
import { cognitoEmulator } from '../support/cognito-emulator';
import { identity } from '../support/env';

const { available } = browserAvailability();
const root = resolve(import.meta.dirname, '..', '..');

describe.skipIf(!available)('admin site sign-in through a hosted UI with PKCE (Chromium)', () => {
  let server: Server;
  let url: string;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  const cognito = cognitoEmulator({
    basePath: '/cognito',
    clientId: 'web-client',
    email: 'hosted@example.com',
    mintIdToken: (email) => identity.mint(email, 'Hosted User'),
  });

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const handle = createGateway({
      routes,
      loadHandler: async (module) => (await import(join(root, 'functions', 'http', `${module}.ts`))).handler,
      services: [cognito.service],
      webRoot: join(root, 'web', 'dist'),
      runtimeConfig: {
        apiBase: '/api',
        auth: { mode: 'cognito', domain: `${url}/cognito`, clientId: 'web-client' },
      },
    });
    server = createServer((req, res) => void handle(req, res));
    await listenLocal(server, port);
    chrome = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('signs in with an S256 code challenge, exchanges the code with the verifier and calls the API', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(`${url}/#/orgs`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Hosted User' }).waitFor();

    expect(cognito.log.authorize).toHaveLength(1);
    expect(cognito.log.authorize[0]!.get('redirect_uri')).toBe(`${url}/`);
    expect(cognito.log.tokenErrors).toEqual([]);
    // The code and state are gone from the address bar, and the page is back where sign-in began.
    expect(page.url()).toBe(`${url}/#/orgs`);
    await page.close();
  });

  it('refuses a sign-in response that this tab did not start', async () => {
    const page = await chrome.browser.newPage();
    // Sessions are shared by the browser's tabs: start this one signed out.
    await page.goto(url);
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${url}/?code=stolen&state=forged`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('does not match');
    expect(cognito.log.tokenErrors).toEqual([]);
    await page.close();
  });
});
