/**
 * Navigation, first run and organizations (issue 23 items 6 and 7), in Chromium against npm start:
 * the grouped side navigation, the skip link, the favicon, the Overview's getting-started checklist
 * (ticked from the org's own data, gone when done); the organization switcher's "Manage" and
 * "Create organization"; a suspended org marked on Home with its notice and no "Try again"; and the
 * platform admin area refusing a non-admin with a page of its own. Each screen: both sizes, axe in
 * both themes, no sideways scroll.
 */
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, phone, screenshots, signIn } from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

const superadmin = process.env.PLATFORM_SUPERADMIN_EMAIL ?? 'platform@example.com';

describeInBrowser('navigation, first run and organizations (Chromium against npm start)', (suite) => {
  it('groups the navigation, skips to the content, and walks a new org through its first steps', async () => {
    const both = atBothSizes(screenshots('navigation'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'first-run@nav.test';
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'First Run Co' });

    await page.goto(`${url}/#/orgs/${org.id}`);
    await page.getByRole('heading', { name: 'First Run Co', level: 1 }).waitFor();

    // A favicon, inline (no request of its own).
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);

    // The side navigation in three named groups, in the order people look for things.
    const nav = page.getByRole('navigation', { name: 'Organization' });
    const group = async (name: string) =>
      (await nav.getByRole('list', { name, exact: true }).getByRole('link').allTextContents()).map((t) =>
        t.trim(),
      );
    await nav.getByRole('list', { name: 'Build' }).waitFor();
    expect(await group('Build')).toEqual(['Agents', 'Prompts', 'Knowledge', 'Phone numbers']);
    expect(await group('Operate')).toEqual([
      'Chat',
      'Tasks',
      'Conversations',
      'Calls',
      'Calendar',
      'Dashboard',
    ]);
    expect(await group('Organization')).toEqual([
      'Members',
      'Invitations',
      'API clients',
      'Audit log',
      'Settings',
    ]);

    // The first Tab reaches the skip link; it moves focus past the header and navigation.
    await page.goto(`${url}/#/orgs/${org.id}`);
    await page.getByRole('heading', { name: 'First Run Co', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('button', { name: 'Skip to main content' });
    expect(await skip.evaluate((e) => e === document.activeElement)).toBe(true);
    expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    // The next Tab lands inside the page, not back in the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);

    // The checklist: nothing done yet, each step a link to where it is done.
    const checklist = page.getByRole('list', { name: 'Getting started steps' });
    await checklist.waitFor();
    await page.getByText('0 of 5 done').waitFor();
    for (const step of [
      'Create an agent',
      'Add knowledge',
      'Talk to it',
      'Add a phone number',
      'Invite a teammate',
    ]) {
      await checklist.getByRole('link', { name: step }).waitFor();
    }
    await both(page, 'checklist-empty');

    // Done through the API: the checklist follows the data.
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Greeter', type: 'chat' });
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Opening hours',
      content: 'We open at nine and close at six, Monday to Friday.',
    });
    await page.reload();
    await page.getByText('2 of 5 done').waitFor();
    await checklist.getByText('Create an agent (done)').waitFor();
    expect(await checklist.getByRole('link', { name: 'Create an agent' }).count()).toBe(0);
    await both(page, 'checklist-partly');

    // The link of a step opens its page (by keyboard).
    await checklist.getByRole('link', { name: 'Add a phone number' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Phone numbers', level: 1 }).waitFor();

    await api(owner, 'POST', `/orgs/${org.id}/agents/${agent.id}/conversations`, { channel: 'api' });
    await api(owner, 'POST', `/orgs/${org.id}/phone-numbers`, { e164: '+14155550177' });
    await api(owner, 'POST', `/orgs/${org.id}/invites`, { email: 'teammate@nav.test' });
    await page.goto(`${url}/#/orgs/${org.id}`);
    await page.reload();
    await page.getByRole('heading', { name: 'First Run Co', level: 1 }).waitFor();
    await page.getByText('Your role: owner').waitFor();
    // Everything done: the checklist is gone (its requests answered, nothing left to show).
    await page.waitForLoadState('networkidle');
    expect(
      await page.getByRole('list', { name: 'Getting started steps' }).count(),
      (await page.getByRole('main').textContent()) ?? '',
    ).toBe(0);
    expect(await page.getByText('Get started').count()).toBe(0);
    await both(page, 'checklist-done');
    await page.close();
  }, 180_000);

  it('switches, manages and creates organizations; marks a suspended one; keeps non-admins out of the admin area', async () => {
    const both = atBothSizes(screenshots('organizations'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'switcher@orgs.test';
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const alpha = await api(owner, 'POST', '/orgs', { name: 'Alpha Works' });
    // A member (not an admin) of another org, which the platform then suspends.
    const other = await devToken(url, 'other-owner@orgs.test');
    const paused = await api(other, 'POST', '/orgs', { name: 'Paused Co' });
    await joinOrg(url, other, paused.id, email, 'member');

    // The switcher names the current org; its menu lists the orgs, Manage and Create organization.
    await page.goto(`${url}/#/orgs/${alpha.id}`);
    await page.getByRole('heading', { name: 'Alpha Works', level: 1 }).waitFor();
    const switcher = page.getByRole('button', { name: /^Organization: Alpha Works/ });
    await switcher.click();
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitem', { name: 'Paused Co' }).waitFor();
    await menu.getByRole('menuitem', { name: 'Manage' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

    // Create organization, from the switcher, by keyboard: a dialog with the form.
    await switcher.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Create organization' }).waitFor();
    await page.getByRole('menuitem', { name: 'Create organization' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create organization' });
    await dialog.getByLabel('Organization name').fill('Beta Labs');
    await both(page, 'create-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Beta Labs', level: 1 }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: /^Organization: Beta Labs/ }).waitFor();
    await both(page, 'created');

    // The platform suspends Paused Co: Home marks it; its pages show the notice, nothing to retry.
    await api(await devToken(url, superadmin), 'POST', `/admin/orgs/${paused.id}/suspend`);
    await page.goto(`${url}/#/`);
    await page.reload();
    const card = page.getByRole('listitem').filter({ hasText: 'Paused Co' });
    await card.getByText('Suspended', { exact: true }).waitFor();
    await both(page, 'home-suspended');
    await card.click();
    await page
      .getByText(/This organization is suspended by the platform operator/)
      .first()
      .waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await both(page, 'org-suspended');

    // A person without a platform role who opens the admin area: a page saying so, not the shell.
    for (const viewport of [desktop, phone]) {
      await page.setViewportSize(viewport);
      await page.goto(`${url}/#/admin`);
      await page.getByRole('heading', { name: 'Not allowed', level: 1 }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Platform admin' }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Platform admin' }).count()).toBe(0);
    }
    await page.setViewportSize(desktop);
    await both(page, 'admin-not-allowed');
    await page.getByRole('link', { name: 'Go to your organizations' }).click();
    await page.getByRole('heading', { name: 'Your organizations', level: 1 }).waitFor();
    await page.close();
  }, 180_000);
});
