/**
 * The whole console journey at phone size (390x844): sign in, welcome, create an organization,
 * move through every section by the navigation drawer, invite, change settings, read the audit
 * log, open the calendar, sign out. At every step: no sideways scrolling, no serious or critical
 * axe violations, and a screenshot.
 */

import { it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { expectScreenBarsMet, phone, pick, screenshots } from '../support/console';

describeInBrowser('the console at phone size (Chromium against npm start)', (suite) => {
  it('goes through every section on a 390x844 screen', async () => {
    const shot = screenshots('phone-journey');
    const page = await suite.browser.newPage();
    await page.setViewportSize(phone);
    const check = async (name: string) => {
      await expectScreenBarsMet(page, name);
      await shot(page, name);
    };
    const section = async (link: string, heading: string | RegExp) => {
      await page.getByRole('button', { name: 'Navigation' }).click();
      await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).first().waitFor();
    };

    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check('sign-in');
    await page.getByLabel('Email').fill('pia@phone.test');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await check('welcome');
    await pick(page, 'Time zone', 'Asia/Tokyo');
    await page.getByRole('button', { name: 'Save' }).click();

    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    await check('home-empty');
    await page.getByLabel('Organization name').fill('Pocket Co');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Pocket Co' }).first().waitFor();
    await check('overview');

    await section('Members', 'Members');
    await check('members');
    await section('Invitations', 'Invitations');
    await page.getByLabel('Email', { exact: true }).fill('friend@phone.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByLabel('One-time accept link').waitFor();
    await check('invitation-sent');

    await section('Settings', /settings/i);
    // The invitation is still pending: one member, counted in the singular.
    await page.getByText(/Now 1 member\./).waitFor();
    await page.getByLabel('Description').fill('Made on a phone');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/saved/i).first().waitFor();
    await check('settings-saved');

    await section('Audit log', /audit/i);
    await page.getByText('Made on a phone').first().waitFor();
    await check('audit');

    await section('Calendar', /calendar/i);
    await page
      .getByRole('button', { name: /Connect/ })
      .first()
      .waitFor();
    await check('calendar');

    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check('signed-out');
    await page.close();
  });
});
