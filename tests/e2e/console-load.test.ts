/**
 * How the signed-in console loads (issue 20): what it asks for and in which order, never how fast
 * (the time is `npm run bench`'s, section 7). Opening an org's agents list with a stored session:
 * the runtime config is requested from the page itself, ahead of the code; `/api/me` once; the
 * agents list beside the caller's membership rather than after it.
 */
import type { Request } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { desktop } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

const pathOf = (r: Request) => new URL(r.url()).pathname;

describeInBrowser('the console loads with no request waiting on one it does not need (Chromium)', (suite) => {
  it('asks for the config before the code, /api/me once, and the agents list without waiting for the membership', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const token = await devToken(url, 'console-load@acme.test', 'Console Load');
    await api(token, 'PATCH', '/me', { timezone: 'Europe/Madrid' });
    const org = await api(token, 'POST', '/orgs', { name: 'Load Co' });
    await api(token, 'POST', `/orgs/${org.id}/agents`, {
      name: 'Receptionist',
      type: 'voice',
      status: 'active',
    });

    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await page.goto(url);
    await page.evaluate((t) => localStorage.setItem('acp.session', t), token);

    // Per load: every request in the order the browser issued it (CDP's own order), and whether the
    // agents list has been asked for. The membership's answer is held until it has (at most 5 s): a
    // page that asks for the list only after the membership arrives never does, and the hold says so.
    let load = { requests: [] as Request[], agentsRequested: () => {}, agentsSeen: Promise.resolve() };
    const heldUntilAgents: boolean[] = [];
    page.on('request', (r) => {
      load.requests.push(r);
      if (pathOf(r) === `/api/orgs/${org.id}/agents`) load.agentsRequested();
    });
    await page.route(`**/api/orgs/${org.id}/membership`, async (route) => {
      heldUntilAgents.push(
        await Promise.race([
          load.agentsSeen.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
        ]),
      );
      await route.continue();
    });

    for (const name of ['first load', 'reload']) {
      await page.goto('about:blank');
      let agentsRequested = () => {};
      const agentsSeen = new Promise<void>((resolve) => {
        agentsRequested = resolve;
      });
      load = { requests: [], agentsRequested, agentsSeen };
      await page.goto(`${url}/#/orgs/${org.id}/agents`);
      await page.getByRole('table', { name: 'Agents' }).getByRole('link', { name: 'Receptionist' }).waitFor();
      await page.getByRole('button', { name: /Account menu/ }).waitFor();

      const paths = load.requests.map(pathOf);
      const said = `${name}: ${paths.join(' ')}`;
      expect(
        paths.filter((p) => p === '/api/me'),
        said,
      ).toHaveLength(1);
      expect(
        paths.filter((p) => p === '/config.json'),
        said,
      ).toHaveLength(1);
      // index.html preloads the config, so its request leaves before the entry script's.
      const entry = paths.findIndex((p) => /^\/assets\/index-.*\.js$/.test(p));
      expect(paths.indexOf('/config.json'), said).toBeLessThan(entry);
    }
    expect(heldUntilAgents.length).toBeGreaterThan(0);
    expect(heldUntilAgents.every(Boolean), 'the agents list was requested only after the membership').toBe(
      true,
    );

    // Behaviour unchanged: the account menu still knows the profile (from the one GET /me).
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Profile' }).waitFor();
    await page.close();
  });
});
