import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import {
  desktop,
  phone,
  pick,
  screenshots,
  scrollsSideways,
  seriousViolations,
  signIn,
} from '../support/console';
import { devToken } from '../support/local-stack';

const zone = 'Europe/Madrid';

/** YYYY-MM-DD of today (plus `days`) in the profile's zone, as a date input takes it. */
function dayIn(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? undefined : await res.json();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(data)}`);
  return data;
}

/** Axe and no sideways scrolling at both sizes, with a screenshot of each. */
async function checkBothSizes(page: Page, shot: (page: Page, name: string) => Promise<void>, name: string) {
  for (const [size, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    await page.setViewportSize(viewport);
    // The pointer rests where the last click was; a hover colour is not the page's own state.
    await page.mouse.move(0, viewport.height - 1);
    await page.waitForTimeout(150);
    expect(await scrollsSideways(page), `${name} scrolls sideways at ${size}`).toEqual([]);
    expect(JSON.stringify(await seriousViolations(page), null, 1), `${name} at ${size}`).toBe('[]');
    await shot(page, `${name}-${size}`);
  }
  await page.setViewportSize(desktop);
}

describeInBrowser('organization settings, audit log and overview in Chromium against npm start', (suite) => {
  it('an owner changes settings, reads and filters the audit log, and deletes the organization', async () => {
    const shot = screenshots('settings-audit');
    const url = suite.stack.url;
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, 'olga@acme.test', zone);

    // Set up through the API: an org, a second person who accepted an invitation, a role change.
    const olga = await devToken(url, 'olga@acme.test');
    const org = await call(url, olga, 'POST', '/orgs', { name: 'Acme Robotics' });
    const invite = await call(url, olga, 'POST', `/orgs/${org.id}/invites`, { email: 'bea@acme.test' });
    const bea = await devToken(url, 'bea@acme.test');
    const token = new URL(invite.acceptUrl).searchParams.get('token');
    const member = await call(url, bea, 'POST', '/invites/accept', { token });
    await call(url, olga, 'PATCH', `/orgs/${org.id}/members/${member.userId}`, { role: 'admin' });

    // Overview: what the org is and where to go.
    await page.goto(`${url}/#/orgs/${org.id}`);
    await page.getByRole('heading', { name: 'Acme Robotics' }).waitFor();
    await page.getByText('Your role: owner').waitFor();
    await page.getByText('2 of 5').waitFor();
    for (const section of ['Members', 'Invitations', 'Audit log', 'Settings']) {
      await page
        .getByRole('main')
        .getByRole('link', { name: new RegExp(section) })
        .first()
        .waitFor();
    }
    await checkBothSizes(page, shot, 'overview');

    // Settings: the API's refusal stands beside the field it names.
    await page
      .getByRole('main')
      .getByRole('link', { name: /Settings/ })
      .click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText(/set by the\s+platform operator/).waitFor();
    await checkBothSizes(page, shot, 'settings');
    await page.getByRole('switch', { name: 'Auto-join by domain' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    const autoJoin = page.locator('.mantine-Switch-root', { hasText: 'Auto-join by domain' });
    await autoJoin.getByText('Auto-join by domain needs the organization’s domain.').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0); // the message is by the field, not above the form
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    await shot(page, 'settings-refused');

    // A plan limit the customer may not raise: the API names maxUsers.
    await page.getByLabel('Member limit').fill('50');
    await page.getByLabel('Domain', { exact: true }).fill('acme.test');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The free plan allows at most 5 members.').waitFor();
    expect(await page.getByLabel('Member limit').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'settings-limit-refused');

    // A good change saves, with a toast.
    await page.getByLabel('Member limit').fill('4');
    await page.getByLabel('Display name').fill('Acme');
    const extra = page.getByRole('combobox', { name: 'Extra domains' });
    await extra.fill('robots.test');
    await extra.press('Enter');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await shot(page, 'settings-saved');

    // Someone changes the settings meanwhile: saving says so and offers a reload.
    await call(url, olga, 'PATCH', `/orgs/${org.id}`, { description: 'Robots that answer phones' });
    await page.getByRole('textbox', { name: /^Name/ }).fill('Acme Robotics Inc');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Someone changed these settings meanwhile').waitFor();
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    await shot(page, 'settings-stale');
    await page.getByRole('button', { name: 'Reload settings' }).click();
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('Robots that answer phones');
    expect(await page.getByRole('textbox', { name: /^Name/ }).inputValue()).toBe('Acme Robotics');

    // Audit log: newest first, before -> after; each sentence after the actor's initials.
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    const entries = page.getByRole('list', { name: 'Audit entries' });
    await entries.waitFor();
    const first = entries.getByRole('listitem').first();
    expect(await first.textContent()).toContain('Robots that answer phones');
    const settingsChange = entries.getByRole('listitem').filter({ hasText: 'Display name:none→Acme' });
    expect(await settingsChange.textContent()).toMatch(/^OLolga changed the settings of Acme/);
    expect(await settingsChange.textContent()).toMatch(/Member limit:none→4/);
    expect(await settingsChange.textContent()).toMatch(/Extra domains:none→robots.test/);
    // Of an object, only the parts that changed.
    expect(await settingsChange.textContent()).toMatch(/Limits:5 members→4 members/);
    await checkBothSizes(page, shot, 'audit');

    // By person: only Bea's own action.
    await pick(page, 'Person', 'bea (bea@acme.test)');
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(1);
    expect(await entries.textContent()).toMatch(/bea accepted the invitation/);
    await shot(page, 'audit-by-person');
    await page.getByRole('button', { name: 'Clear the person filter' }).click();

    // By action: the role change, member -> admin.
    await pick(page, 'Action', 'Member role changed');
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(1);
    expect(await entries.textContent()).toMatch(
      /^OLolga changed the role of bea@acme.test.*Role:member→admin/,
    );
    await shot(page, 'audit-by-action');

    // By date: today has entries, yesterday none (dates read in the profile's zone).
    await page.getByRole('button', { name: 'Clear the action filter' }).click();
    await expect.poll(() => entries.getByRole('listitem').count()).toBeGreaterThan(3);
    await page.getByLabel('From', { exact: true }).fill(dayIn());
    await page.getByLabel('To (inclusive)').fill(dayIn());
    await expect.poll(() => entries.getByRole('listitem').count()).toBeGreaterThan(3);
    await shot(page, 'audit-today');
    await page.getByLabel('From', { exact: true }).fill(dayIn(-1));
    await page.getByLabel('To (inclusive)').fill(dayIn(-1));
    await page.getByText('No entries match these filters').waitFor();
    await checkBothSizes(page, shot, 'audit-empty');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(6);

    // Paged: 25 at a time, "Load more" continues; a filter change starts again from the first page.
    for (let i = 1; i <= 25; i++) {
      await call(url, olga, 'PATCH', `/orgs/${org.id}`, { description: `Revision ${i}` });
    }
    await page.reload();
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(25);
    expect(await entries.getByRole('listitem').first().textContent()).toContain('Revision 25');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(31);
    await page.getByText('That is all 31 entries.').waitFor();
    await pick(page, 'Action', 'Settings changed');
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(25);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('That is all 27 entries.').waitFor();
    await shot(page, 'audit-paged');

    // Delete with typed confirmation; the button waits for the exact name.
    await page.goto(`${url}/#/orgs/${org.id}/settings`);
    await page.getByRole('button', { name: 'Delete organization' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Axe reads the colours as they stand: wait until the modal has faded in.
    await page.waitForFunction(() => {
      const modal = document.querySelector('[role="dialog"]');
      return modal !== null && getComputedStyle(modal).opacity === '1';
    });
    const confirm = dialog.getByRole('button', { name: 'Delete organization' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type Acme Robotics to confirm').fill('Acme');
    expect(await confirm.isDisabled()).toBe(true);
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    await shot(page, 'delete-confirm-disabled');
    await dialog.getByLabel('Type Acme Robotics to confirm').fill('Acme Robotics');
    expect(await confirm.isDisabled()).toBe(false);
    await shot(page, 'delete-confirm-enabled');
    await confirm.click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    await page.getByText('Acme Robotics was deleted.').waitFor();
    await shot(page, 'deleted');
    expect(await page.getByRole('list', { name: 'Organizations' }).count()).toBe(0);
    const res = await fetch(`${url}/api/orgs/${org.id}`, { headers: { authorization: `Bearer ${olga}` } });
    expect(res.status).toBe(404);
    await page.close();
  }, 180_000);
});
