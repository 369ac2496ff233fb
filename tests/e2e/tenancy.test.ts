/**
 * Organizations in the console: invitations (field messages, the one-time link, resend, revoke),
 * answering an invitation from the mailed link (preview, accept, decline, a used or replaced
 * link), and members (optimistic role change and its rollback, removal, leaving). Every step is
 * screenshotted and checked with axe-core and for sideways scrolling, at desktop and phone size.
 *
 * The session lives in local storage (a new tab stays signed in), so each person gets their own
 * browser context: the owner in the suite's Chromium, invitees in a second, non-persistent one.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumPath, describeInBrowser } from '../support/browser';
import {
  desktop,
  phone,
  pick,
  screenshots,
  scrollsSideways,
  seriousViolations,
  signIn,
} from '../support/console';

describeInBrowser(
  'organizations, invitations and members in the console (Chromium against npm start)',
  (suite) => {
    let others: Browser;
    const contexts: BrowserContext[] = [];
    beforeAll(async () => {
      others = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ['--no-sandbox'],
      });
    });
    afterAll(async () => {
      for (const c of contexts) await c.close();
      await others?.close();
    });

    /** A person with a browser of their own (their own local storage, so their own session). */
    async function personPage(size = desktop): Promise<Page> {
      const context = await others.newContext({ viewport: size });
      contexts.push(context);
      return context.newPage();
    }

    /** Screenshot, axe-core and no sideways scrolling, for the page as it stands. */
    function checker(test: string) {
      const shot = screenshots(test);
      return async (page: Page, step: string) => {
        // The pointer rests away from what it last clicked (hover colours are not what is checked).
        await page.mouse.move(0, 0);
        await shot(page, step);
        expect(JSON.stringify(await seriousViolations(page), null, 1), step).toBe('[]');
        expect(await scrollsSideways(page), `${step} scrolls sideways`).toEqual([]);
      };
    }

    async function createOrg(page: Page, name: string): Promise<string> {
      await page.getByLabel('Organization name').fill(name);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { name }).waitFor();
      return /#\/orgs\/([^/]+)/.exec(page.url())![1]!;
    }

    async function invite(page: Page, email: string, role: string): Promise<string> {
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Role', { exact: true }).selectOption(role);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Accept link for ${email.toLowerCase()}`).waitFor();
      const link = page.getByLabel('One-time accept link');
      return link.inputValue();
    }

    const inviteRow = (page: Page, email: string) =>
      page.getByRole('table', { name: 'Invitations' }).getByRole('row').filter({ hasText: email });

    async function confirm(page: Page, label: string) {
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      // Let the opening transition finish before anything looks at its colours.
      const button = dialog.getByRole('button', { name: label });
      await expect
        .poll(() =>
          button.evaluate((el) => {
            let opacity = 1;
            for (let e: Element | null = el; e; e = e.parentElement)
              opacity *= Number(getComputedStyle(e).opacity);
            return opacity;
          }),
        )
        .toBe(1);
      return async () => {
        await dialog.getByRole('button', { name: label }).click();
        await dialog.waitFor({ state: 'detached' });
      };
    }

    async function apiToken(email: string): Promise<string> {
      const res = await fetch(`${suite.stack.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      return ((await res.json()) as { token: string }).token;
    }

    it('invites a manager who accepts from the mailed link; roles change optimistically; members are removed and leave', async () => {
      const check = checker('tenancy-members');
      const url = suite.stack.url;
      const owner = await suite.browser.newPage();
      await owner.setViewportSize(desktop);
      await signIn(owner, url, 'olga@acme.test');
      const orgId = await createOrg(owner, 'Acme Voice');
      await check(owner, 'org-created');

      await owner
        .getByRole('navigation', { name: 'Organization' })
        .getByRole('link', { name: 'Invitations' })
        .click();
      await owner.getByText('No invitations yet').waitFor();
      await check(owner, 'invitations-empty');

      // Invite a manager: the one-time link is shown once, and the same link is in the outbox.
      const benUrl = await invite(owner, 'Ben@Acme.test', 'manager');
      expect(benUrl).toMatch(new RegExp(`^${url}/invites/accept\\?token=[\\w-]{43}$`));
      await inviteRow(owner, 'ben@acme.test').getByText('pending').waitFor();
      expect(await inviteRow(owner, 'ben@acme.test').textContent()).toContain('olga@acme.test');
      await owner.getByText('Invitation sent to ben@acme.test.').waitFor();
      await check(owner, 'invited-ben');
      const outbox = await (await fetch(`${url}/dev/outbox`)).json();
      expect(JSON.stringify(outbox)).toContain(benUrl.split('token=')[1]);

      // A second invite to the same email: the API's message stands beside the email field.
      await owner.getByLabel('Email', { exact: true }).fill('ben@acme.test');
      await owner.getByRole('button', { name: 'Send invitation' }).click();
      const email = owner.getByLabel('Email', { exact: true });
      await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
      const described = await Promise.all(
        describedBy.split(' ').map((id) =>
          owner
            .locator(`[id="${id}"]`)
            .textContent()
            .catch(() => ''),
        ),
      );
      expect(described.join(' ')).toContain('This email already has a pending invite.');
      await check(owner, 'duplicate-invite-field-message');

      const miaUrl = await invite(owner, 'mia@acme.test', 'member');

      // Ben opens the mailed link in his own browser and signs in; the token leaves the address bar.
      const ben = await personPage();
      await signIn(ben, benUrl, 'ben@acme.test');
      expect(ben.url()).toBe(`${url}/#/invites/accept`);
      await ben.getByRole('heading', { name: 'Invitation to join Acme Voice' }).waitFor();
      const offer = await ben
        .getByRole('heading', { name: 'Invitation to join Acme Voice' })
        .locator('..')
        .textContent();
      expect(offer).toContain('manager');
      expect(offer).toContain('olga@acme.test');
      expect(offer).toContain('pending');
      await check(ben, 'ben-preview');
      await ben.getByRole('button', { name: 'Accept invitation' }).click();
      await ben.getByRole('heading', { name: 'Acme Voice' }).waitFor();
      await ben.getByText('Your role: manager').waitFor();
      expect(ben.url()).toBe(`${url}/#/orgs/${orgId}`);
      await check(ben, 'ben-joined');

      // The same link does not work twice.
      await ben.goto(benUrl);
      await ben.getByText('This invitation has already been accepted.').waitFor();
      expect(await ben.getByRole('button', { name: 'Accept invitation' }).count()).toBe(0);
      await check(ben, 'ben-link-used');

      // Mia accepts at phone size.
      const mia = await personPage(phone);
      await signIn(mia, miaUrl, 'mia@acme.test');
      await mia.getByRole('heading', { name: 'Invitation to join Acme Voice' }).waitFor();
      await check(mia, 'mia-preview-phone');
      await mia.getByRole('button', { name: 'Accept invitation' }).click();
      await mia.getByText('Your role: member').waitFor();

      // The owner's members table: headers, roles, join dates.
      await owner
        .getByRole('navigation', { name: 'Organization' })
        .getByRole('link', { name: 'Members' })
        .click();
      const table = owner.getByRole('table', { name: 'Members' });
      await table.getByText('mia@acme.test').waitFor();
      expect(await table.getByRole('columnheader').allTextContents()).toEqual([
        'Member',
        'Role',
        'Additional roles',
        'Joined',
        'Actions',
      ]);
      await check(owner, 'members');

      // A role change shows at once, before the API has answered.
      let release: () => void = () => {};
      const answered = new Promise<void>((r) => {
        release = r;
      });
      await owner.route('**/api/orgs/*/members/*', async (route) => {
        if (route.request().method() === 'PATCH') await answered;
        await route.fallback();
      });
      // Asked first (issue 23): the change is made once confirmed.
      const benRole = owner.getByLabel('Role of ben@acme.test');
      await benRole.selectOption('admin');
      await owner
        .getByRole('dialog', { name: 'Change role' })
        .getByRole('button', { name: 'Make admin' })
        .click();
      await expect.poll(() => benRole.inputValue()).toBe('admin');
      await check(owner, 'role-change-optimistic');
      const refetched = owner.waitForResponse(
        (r) => r.url().includes(`/orgs/${orgId}/members?`) && r.request().method() === 'GET',
      );
      release();
      await owner.getByText('ben@acme.test is now an admin.').waitFor();
      await refetched;
      await owner.unroute('**/api/orgs/*/members/*');

      // Refused (Mia changed meanwhile elsewhere): the shown role rolls back and the API says why.
      const token = await apiToken('olga@acme.test');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const list = (await (await fetch(`${url}/api/orgs/${orgId}/members`, { headers })).json()) as {
        items: { userId: string; email: string; version: number }[];
      };
      const miaMember = list.items.find((m) => m.email === 'mia@acme.test')!;
      const elsewhere = await fetch(`${url}/api/orgs/${orgId}/members/${miaMember.userId}`, {
        method: 'PATCH',
        headers: { ...headers, 'if-match': `"${miaMember.version}"` },
        body: JSON.stringify({ additionalRoles: ['sales'] }),
      });
      expect(elsewhere.status).toBe(200);
      await owner.getByLabel('Role of mia@acme.test').selectOption('viewer');
      await owner
        .getByRole('dialog', { name: 'Change role' })
        .getByRole('button', { name: 'Make viewer' })
        .click();
      await owner.getByText('The resource changed since you read it; reload it and retry.').waitFor();
      await expect.poll(() => owner.getByLabel('Role of mia@acme.test').inputValue()).toBe('member');
      await table.getByText('sales').waitFor();
      await check(owner, 'role-change-refused');

      // Removing a member is confirmed.
      await owner.getByRole('button', { name: 'Remove mia@acme.test' }).click();
      const remove = await confirm(owner, 'Remove member');
      await check(owner, 'remove-confirm');
      await remove();
      await owner.getByText('mia@acme.test was removed.').waitFor();
      await expect.poll(() => table.getByText('mia@acme.test').count()).toBe(0);

      // Ben (an admin now) leaves, confirmed, and is back on his home page.
      await ben.goto(`${url}/#/orgs/${orgId}/members`);
      await ben.getByRole('table', { name: 'Members' }).getByText('olga@acme.test').waitFor();
      // An admin does not touch owners.
      expect(await ben.getByLabel('Role of olga@acme.test').count()).toBe(0);
      await ben.getByRole('button', { name: 'Leave organization' }).click();
      const leave = await confirm(ben, 'Leave organization');
      await check(ben, 'leave-confirm');
      await leave();
      await ben.getByRole('heading', { name: 'Your organizations' }).waitFor();
      await ben.getByText('No organizations yet').waitFor();
      await check(ben, 'ben-left');

      await owner.reload();
      await table.getByText('olga@acme.test').waitFor();
      await expect.poll(() => table.getByText('ben@acme.test').count()).toBe(0);

      // Phone size: cards instead of the table.
      await owner.setViewportSize(phone);
      await owner.getByRole('list', { name: 'Members' }).getByText('olga@acme.test').waitFor();
      await check(owner, 'members-phone');
      await owner.close();
    }, 240_000);

    it('resends (the old link is refused), declines from the link, and a revoke clears the one-time link', async () => {
      const check = checker('tenancy-invitations');
      const url = suite.stack.url;
      const owner = await personPage();
      await signIn(owner, url, 'oscar@globex.test');
      const orgId = await createOrg(owner, 'Globex');
      await owner.goto(`${url}/#/orgs/${orgId}/invitations`);

      const firstUrl = await invite(owner, 'dana@globex.test', 'viewer');
      await inviteRow(owner, 'dana@globex.test')
        .getByRole('button', { name: /Resend/ })
        .click();
      await owner
        .getByText('Invitation sent again to dana@globex.test; the earlier link no longer works.')
        .waitFor();
      const secondUrl = await owner.getByLabel('One-time accept link').inputValue();
      expect(secondUrl).not.toBe(firstUrl);
      await check(owner, 'resent');

      // Dana sees the invitation on her home page, but answers it from the link.
      const dana = await personPage(phone);
      await signIn(dana, url, 'dana@globex.test');
      const forYou = dana.getByRole('list', { name: 'Invitations for you' });
      await forYou.getByText('Globex', { exact: true }).waitFor();
      expect(await forYou.textContent()).toContain('oscar@globex.test');
      await forYou.getByRole('button', { name: 'Accept the invitation to Globex' }).waitFor();
      await check(dana, 'invitations-for-you-phone');

      // The replaced link is refused in the API's words, with a way back.
      await dana.goto(firstUrl);
      await dana
        .getByText('This invite link is no longer valid; it was replaced, revoked or never existed.')
        .waitFor();
      await dana.getByRole('link', { name: 'Back to your organizations' }).waitFor();
      await check(dana, 'replaced-link-phone');

      // The current link: preview, then a confirmed decline.
      await dana.goto(secondUrl);
      await dana.getByRole('heading', { name: 'Invitation to join Globex' }).waitFor();
      await dana.getByRole('button', { name: 'Decline' }).click();
      const decline = await confirm(dana, 'Decline invitation');
      await check(dana, 'decline-confirm-phone');
      await decline();
      await dana.getByText('Invitation declined', { exact: true }).waitFor();
      await check(dana, 'declined-phone');
      await owner.reload();
      await inviteRow(owner, 'dana@globex.test').getByText('declined').waitFor();

      // Revoking clears the one-time link shown for that invite.
      await invite(owner, 'eve@globex.test', 'member');
      await inviteRow(owner, 'eve@globex.test')
        .getByRole('button', { name: /Revoke/ })
        .click();
      const revoke = await confirm(owner, 'Revoke invitation');
      await check(owner, 'revoke-confirm');
      await revoke();
      await owner.getByText('The invitation for eve@globex.test was revoked.').waitFor();
      await expect.poll(() => owner.getByLabel('One-time accept link').count()).toBe(0);
      await inviteRow(owner, 'eve@globex.test').getByText('revoked').waitFor();
      await check(owner, 'revoked');

      await owner.setViewportSize(phone);
      await owner.getByRole('list', { name: 'Invitations' }).getByText('eve@globex.test').waitFor();
      await check(owner, 'invitations-phone');

      // Ownership moves to an admin who joined, confirmed; the old owner becomes an admin.
      await owner.setViewportSize(desktop);
      const finnUrl = await invite(owner, 'finn@globex.test', 'admin');
      const finn = await personPage();
      await signIn(finn, finnUrl, 'finn@globex.test');
      await finn.getByRole('button', { name: 'Accept invitation' }).click();
      await finn.getByText('Your role: admin').waitFor();
      await owner.goto(`${url}/#/orgs/${orgId}/members`);
      await owner.getByRole('table', { name: 'Members' }).getByText('finn@globex.test').waitFor();
      await pick(owner, 'New owner', 'finn (finn@globex.test)');
      await owner.getByRole('button', { name: 'Transfer', exact: true }).click();
      const transfer = await confirm(owner, 'Transfer ownership');
      await check(owner, 'transfer-confirm');
      await transfer();
      await owner.getByText('finn@globex.test now owns the organization; you are an admin.').waitFor();
      await expect.poll(() => owner.getByRole('heading', { name: 'Transfer ownership' }).count()).toBe(0);
      const finnRow = owner
        .getByRole('table', { name: 'Members' })
        .getByRole('row')
        .filter({ hasText: 'finn' });
      await finnRow.getByText('owner').waitFor();
      // An admin does not change an owner's role.
      expect(await owner.getByLabel('Role of finn@globex.test').count()).toBe(0);
      await check(owner, 'transferred');
    }, 180_000);
  },
);
