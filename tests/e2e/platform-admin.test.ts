/**
 * The platform admin area and the org dashboard in Chromium against npm start. A superadmin (the
 * local stack's configured email) suspends an org from the admin area; its member, in another
 * browser, sees the suspension message; reactivating lets them back in. The dashboard charts seeded
 * tasks and its CSV holds the expected rows. Each step: screenshots at both sizes, axe, no sideways scroll.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeInBrowser, launchChromium } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

// npm start inherits the test process's environment; without a configured email it uses its own default.
const superadmin = process.env.PLATFORM_SUPERADMIN_EMAIL ?? 'platform@example.com';

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
      await atBothSizes(screenshots('platform-admin-member'))(memberPage, 'locked-out');

      await page.getByRole('button', { name: 'Reactivate organization' }).click();
      await page.getByRole('button', { name: 'Suspend organization' }).waitFor();
      await memberPage.reload();
      await memberPage.getByRole('heading', { name: 'Suspense Rockets', level: 1 }).waitFor();
      await atBothSizes(screenshots('platform-admin-member'))(memberPage, 'back-in');

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
    // The superadmin of the test before is still signed in in this browser.
    await page.goto(url);
    await page.evaluate(() => localStorage.clear());
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Chart Co' });
    for (const type of ['call', 'call', 'email', 'other']) {
      await api(owner, 'POST', `/orgs/${org.id}/tasks`, { type });
    }
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
    for (const chart of ['chart-by-type', 'chart-by-status']) {
      // Bars with a height: empty days draw none.
      await expect
        .poll(() => page.getByTestId(chart).locator('path.recharts-rectangle').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
    }
    await page.getByText('Calendar sync').waitFor();
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
      `${today},call,2,0,0,0,0,2`,
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
