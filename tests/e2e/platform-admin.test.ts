/**
 * The platform admin area and the org dashboard in Chromium against npm start. A superadmin (the
 * local stack's configured email) suspends an org from the admin area; its member, in another
 * browser, sees the suspension message; reactivating lets them back in. The dashboard charts seeded
 * tasks (per day, and calls per agent with the agents' names), counts the org's calendar
 * connections by health with the failing one in a table, and its CSV holds the expected rows. Each
 * step: screenshots at both sizes, axe, no sideways scroll.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeInBrowser, launchChromium } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

// npm start inherits the test process's environment; without a configured email it uses its own default.
const superadmin = process.env.PLATFORM_SUPERADMIN_EMAIL ?? 'platform@example.com';

/**
 * Connects `email`'s Google Calendar as a browser would, over fetch: authorize, the emulator's
 * consent (302 to the callback), the callback with the binding cookie; then waits for the first sync.
 */
async function connectCalendar(url: string, token: string, orgId: string) {
  const authorize = await fetch(`${url}/api/orgs/${orgId}/calendar/google/authorize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(authorize.status).toBe(200);
  const cookie = authorize.headers.get('set-cookie')!.split(';')[0]!;
  const consent = await fetch((await authorize.json()).url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!, url);
  const callback = await fetch(`${url}${back.pathname}${back.search}`, {
    headers: { cookie },
    redirect: 'manual',
  });
  expect(callback.status).toBe(302);
  await expect
    .poll(() => calendarOf(url, token, orgId).then((c) => c.lastSyncedAt), { timeout: 20_000 })
    .not.toBeNull();
}

async function calendarOf(url: string, token: string, orgId: string) {
  return stackApi(url)(token, 'GET', `/orgs/${orgId}/calendar`);
}

describeInBrowser('Platform admin and dashboard (Chromium against npm start)', (suite) => {
  it('a superadmin suspends an org, its member sees why, and reactivation lets them back in', async () => {
    const both = atBothSizes(screenshots('platform-admin'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const ownerEmail = 'owner@suspended.test';
    const owner = await devToken(url, ownerEmail);
    const org = await api(owner, 'POST', '/orgs', { name: 'Suspense Rockets', domain: 'suspended.test' });

    const member = await launchChromium();
    try {
      const memberPage = await member.browser.newPage();
      const memberShot = atBothSizes(screenshots('platform-admin-member'));
      await memberPage.setViewportSize(desktop);
      await signIn(memberPage, url, ownerEmail);
      await memberPage.goto(`${url}/#/orgs/${org.id}`);
      await memberPage.getByRole('heading', { name: 'Suspense Rockets', level: 1 }).waitFor();

      const page = await suite.browser.newPage();
      await page.setViewportSize(desktop);
      await signIn(page, url, superadmin);
      await page.getByRole('button', { name: /Account menu/ }).click();
      await page.getByRole('menuitem', { name: 'Platform admin' }).click();
      await page.getByRole('heading', { name: 'Platform admin', level: 1 }).waitFor();
      await page.getByText('Find an organization').waitFor();
      await both(page, 'search-empty');

      await page.getByLabel('Name starts with').fill('suspense');
      await page.getByRole('button', { name: 'Search' }).click();
      const results = page.getByRole('list', { name: 'Organizations found' });
      await results.getByRole('link', { name: 'Suspense Rockets' }).waitFor();
      await both(page, 'search-results');

      await results.getByRole('link', { name: 'Suspense Rockets' }).click();
      await page.getByRole('heading', { name: 'Suspense Rockets', level: 2 }).waitFor();
      // Viewed from outside: no org navigation beside it, no org chosen in the picker.
      expect(await page.getByRole('navigation', { name: 'Organization' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Organizations', exact: true }).waitFor();
      await both(page, 'org-detail');
      await page.getByRole('button', { name: 'Suspend organization' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
      await page.getByRole('button', { name: 'Reactivate organization' }).waitFor();
      await page.getByText('Suspense Rockets is suspended.').waitFor();
      await both(page, 'suspended');

      await memberPage.reload();
      await memberPage
        .getByText(/This organization is suspended by the platform operator/)
        .first()
        .waitFor();
      await memberShot(memberPage, 'locked-out');

      await page.getByRole('button', { name: 'Reactivate organization' }).click();
      await page.getByRole('button', { name: 'Suspend organization' }).waitFor();
      await memberPage.reload();
      await memberPage.getByRole('heading', { name: 'Suspense Rockets', level: 1 }).waitFor();
      await memberShot(memberPage, 'back-in');

      // Both actions, and the reads before them, are in the platform audit log.
      await page
        .getByRole('navigation', { name: 'Platform admin' })
        .getByRole('link', { name: 'Audit' })
        .click();
      const entries = page.getByRole('list', { name: 'Platform audit entries' });
      await entries.getByText('org.reactivated').waitFor();
      await entries.getByText('org.suspended').waitFor();
      await both(page, 'audit');
    } finally {
      await member.close();
    }
  }, 240_000);

  it('the dashboard charts seeded tasks and exports them as CSV', async () => {
    const both = atBothSizes(screenshots('dashboard'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'dash-owner@charts.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Chart Co' });
    // Two agents need more than the free plan: the platform operator's path grants starter.
    await api(await devToken(url, superadmin), 'PUT', `/admin/orgs/${org.id}/plan`, { plan: 'starter' });
    const ada = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Ada Voice', type: 'voice' });
    const bea = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Bea Voice', type: 'voice' });
    for (const [type, agentId] of [
      ['call', ada.id],
      ['call', ada.id],
      ['call', bea.id],
      ['email', undefined],
      ['other', undefined],
    ]) {
      await api(owner, 'POST', `/orgs/${org.id}/tasks`, { type, ...(agentId ? { agentId } : {}) });
    }
    // One of Ada's calls moves to Bea and completes: the counts follow it.
    const adas = (await api(owner, 'GET', `/orgs/${org.id}/tasks?agentId=${ada.id}&limit=10`)).items;
    await api(owner, 'PATCH', `/orgs/${org.id}/tasks/${adas[0].id}`, {
      agentId: bea.id,
      status: 'in_progress',
    });
    await api(owner, 'PATCH', `/orgs/${org.id}/tasks/${adas[0].id}`, { status: 'completed' });

    // Calendars: the owner's syncs; a member's grant is revoked at Google, so it fails.
    const memberEmail = 'dash-member@charts.test';
    const invite = await api(owner, 'POST', `/orgs/${org.id}/invites`, {
      email: memberEmail,
      role: 'member',
    });
    const member = await devToken(url, memberEmail);
    await api(member, 'POST', '/invites/accept', {
      token: new URL(invite.acceptUrl).searchParams.get('token'),
    });
    await connectCalendar(url, owner, org.id);
    await connectCalendar(url, member, org.id);
    const fault = await fetch(`${url}/dev/google/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'invalid_grant', times: 1 }),
    });
    expect(fault.status).toBe(200);
    await api(member, 'POST', `/orgs/${org.id}/calendar/sync`);
    await expect
      .poll(() => calendarOf(url, member, org.id).then((c) => c.status), { timeout: 20_000 })
      .toBe('needs_reauth');
    const other = (await api(owner, 'GET', `/orgs/${org.id}/tasks?limit=10`)).items.find(
      (t: { type: string }) => t.type === 'other',
    );
    await api(owner, 'PATCH', `/orgs/${org.id}/tasks/${other.id}`, { status: 'cancelled' });

    await page.goto(`${url}/#/orgs/${org.id}`);
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    for (const chart of ['chart-by-type', 'chart-by-status', 'chart-by-agent']) {
      // Bars with a height: empty days draw none.
      await expect
        .poll(() => page.getByTestId(chart).locator('path.recharts-rectangle').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
    }
    // A bar per agent, named from the agents list: Bea 2 calls (1 completed), Ada 1.
    const byAgent = page.getByTestId('chart-by-agent');
    await byAgent.getByText('Bea Voice').waitFor();
    await byAgent.getByText('Ada Voice').waitFor();
    const names = (await byAgent.locator('text').allTextContents()).filter((t) => t.endsWith(' Voice'));
    expect(names).toEqual(['Bea Voice', 'Ada Voice']);
    // Bea's pending and completed segments, Ada's pending one.
    expect(await byAgent.locator('path.recharts-rectangle').count()).toBe(3);

    await page.getByText('Calendar sync').waitFor();
    const health = page.getByTestId('sync-health');
    await expect.poll(() => health.getByTestId('sync-ok').textContent()).toBe('1Syncing');
    expect(await health.getByTestId('sync-failing').textContent()).toBe('1Failing');
    expect(await health.getByTestId('sync-stale').textContent()).toBe('0Stale');
    const failing = page.getByRole('table', { name: 'Failing calendar connections' });
    expect(await failing.getByRole('row').count()).toBe(2);
    await failing.getByRole('cell', { name: memberEmail }).waitFor();
    await failing.getByText(/reconnect the calendar/).waitFor();
    await both(page, 'charts');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
    expect(csv[0]).toBe('date,type,pending,in_progress,completed,failed,cancelled,total');
    expect(csv).toHaveLength(1 + 14 * 3);
    expect(csv.filter((row) => row.startsWith(today))).toEqual([
      `${today},call,2,0,1,0,0,3`,
      `${today},email,1,0,0,0,0,1`,
      `${today},other,0,0,0,0,1,1`,
    ]);

    // A range without tasks says what to do.
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByLabel('To').fill('2020-01-10');
    await page.getByText('No tasks in these days').waitFor();
    await both(page, 'empty-range');
  }, 180_000);
});
