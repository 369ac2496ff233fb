/**
 * People (issue 23 item 3), in Chromium against npm start. Members read as people (avatar with
 * initials, the caller's own name with the email beneath), role badges whole; several people are
 * invited at once from the Members page, each email with its own result; a role change asks first;
 * invitations name their inviter as a person.
 * Each screen: both sizes, axe light+dark, no sideways scroll. Also saves the README's Members
 * screenshot (docs/screenshots/members.png, 1280x800).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

const docs = resolve(import.meta.dirname, '../../docs/screenshots');

describeInBrowser('people (Chromium against npm start)', (suite) => {
  it('shows members as people, invites several at once, confirms a role change', async () => {
    const both = atBothSizes(screenshots('people'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'olga@people.test';
    const owner = await devToken(url, email);
    await api(owner, 'PATCH', '/me', { name: 'Olga Ortiz' });
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'People Co' });
    const beaToken = await joinOrg(url, owner, org.id, 'bea.lopez@people.test', 'member');
    await api(beaToken, 'PATCH', '/me', { name: 'Bea López' });

    await page.goto(`${url}/#/orgs/${org.id}/members`);
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Members' });
    // Each member by name with the email beneath, initials where there is no picture.
    const olgaRow = table.getByRole('row').filter({ hasText: 'olga@people.test' });
    await olgaRow.getByText('Olga Ortiz').waitFor();
    expect(await olgaRow.textContent()).toMatch(/OOOlga Ortiz \(you\)olga@people.test/);
    const beaRow = table.getByRole('row').filter({ hasText: 'bea.lopez@people.test' });
    expect(await beaRow.textContent()).toMatch(/^BLBea Lópezbea.lopez@people.test/);
    // Badges whole: no label cut short.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('.mantine-Badge-label')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.textContent),
    );
    expect(cut).toEqual([]);
    await both(page, 'members');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: resolve(docs, 'members.png') });

    // Several at once, pasted; each email's own result, the refused one kept to correct.
    const form = page.getByRole('form', { name: 'Invite people' });
    const emails = form.getByLabel('Emails');
    await emails.click();
    await emails.fill('cy@people.test, dee@people.test not-an-email');
    // Leaving the field takes what was typed, split into one email each.
    await page.keyboard.press('Tab');
    await form.getByRole('button', { name: 'Send 3 invitations' }).click();
    const results = form.getByRole('list', { name: 'Invitation results' });
    await results.waitFor();
    expect(await results.getByRole('listitem').allTextContents()).toEqual([
      'cy@people.testinvited.',
      'dee@people.testinvited.',
      expect.stringMatching(/^not-an-emailNot invited: .*email/i),
    ]);
    await results.getByRole('button', { name: 'Copy the one-time link for cy@people.test' }).waitFor();
    await form.getByRole('button', { name: 'Send invitation' }).waitFor();
    await both(page, 'invited');
    const invites = await api(owner, 'GET', `/orgs/${org.id}/invites?limit=10`);
    expect(invites.items.map((i: { email: string }) => i.email).sort()).toEqual([
      'bea.lopez@people.test',
      'cy@people.test',
      'dee@people.test',
    ]);

    // A role change asks first: cancelled, nothing changes; confirmed, it is saved.
    const role = beaRow.getByLabel('Role of bea.lopez@people.test');
    await role.selectOption('admin');
    const dialog = page.getByRole('dialog', { name: 'Change role' });
    await dialog.getByText(/Make bea.lopez@people.test an admin instead of a member\?/).waitFor();
    await both(page, 'role-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => role.inputValue()).toBe('member');
    const bea = (await api(owner, 'GET', `/orgs/${org.id}/members?limit=10`)).items.find(
      (m: { email: string }) => m.email === 'bea.lopez@people.test',
    );
    expect(bea.role).toBe('member');
    await role.selectOption('admin');
    await page
      .getByRole('dialog', { name: 'Change role' })
      .getByRole('button', { name: 'Make admin' })
      .click();
    await page.getByText('bea.lopez@people.test is now an admin.').waitFor();
    await expect
      .poll(
        async () =>
          (await api(owner, 'GET', `/orgs/${org.id}/members?limit=10`)).items.find(
            (m: { email: string }) => m.email === 'bea.lopez@people.test',
          ).role,
      )
      .toBe('admin');

    // Invitations name who sent them as a person, from the member list, not as a bare email.
    await page.goto(`${url}/#/orgs/${org.id}/invitations`);
    const sent = page
      .getByRole('table', { name: 'Invitations' })
      .getByRole('row')
      .filter({ hasText: 'cy@people.test' });
    // The inviter's name needs the member list, which loads after the invitations.
    await expect
      .poll(() => sent.textContent(), { timeout: 30_000 })
      .toMatch(/OOOlga Ortiz \(you\)olga@people.test/);
    await both(page, 'invitations');
    await page.close();
  }, 180_000);
});
