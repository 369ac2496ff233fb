import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';

async function signIn(page: Page, url: string, email: string) {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Welcome/ }).waitFor();
  await page.getByLabel('Time zone').fill('Europe/Madrid');
  await page.getByRole('button', { name: 'Save' }).click();
}

describeInBrowser('organizations in the admin site (Chromium against npm start)', (suite) => {
  it('an owner creates an org and invites a manager, who accepts through the mailed link', async () => {
    const owner = await suite.browser.newPage();
    await signIn(owner, suite.stack.url, 'olga@acme.test');
    await owner.getByLabel('Name').fill('Acme Voice');
    await owner.getByRole('button', { name: 'Create' }).click();
    await owner.getByRole('heading', { name: 'Acme Voice' }).waitFor();
    expect(await owner.getByRole('table', { name: 'Members' }).textContent()).toContain('olga@acme.test');

    await owner.getByLabel('Invitee email').fill('Ben@Acme.test');
    await owner.getByLabel('Invitee role').selectOption('manager');
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    const acceptUrl = (await owner.getByTestId('accept-url').textContent())!;
    expect(acceptUrl).toMatch(new RegExp(`^${suite.stack.url}/invites/accept\\?token=[\\w-]{43}$`));
    await owner.getByRole('list', { name: 'Pending invitations' }).getByText('ben@acme.test').waitFor();

    // The local mail outbox holds the same link the owner saw.
    const outbox = await (await fetch(`${suite.stack.url}/dev/outbox`)).json();
    expect(JSON.stringify(outbox)).toContain(acceptUrl.split('token=')[1]);

    // A separate tab has its own session: Ben signs in from the link and accepts.
    const ben = await suite.browser.newPage();
    await signIn(ben, acceptUrl, 'ben@acme.test');
    // The token is a bearer secret: it left the address bar as soon as the page read it.
    expect(ben.url()).toBe(`${suite.stack.url}/invites/accept`);
    await ben.getByRole('button', { name: 'Accept invitation' }).click();
    await ben.getByRole('heading', { name: 'Acme Voice' }).waitFor();
    await ben.getByText('Your role: manager').waitFor();
    // A manager sees members but may not change roles.
    expect(await ben.getByRole('combobox', { name: /Role of/ }).count()).toBe(0);

    // The same link does not work twice.
    await ben.goto(acceptUrl);
    await ben.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => ben.getByRole('alert').textContent()).toMatch(/Gone/);

    await owner.reload();
    await owner.getByRole('table', { name: 'Members' }).getByText('ben@acme.test').waitFor();
    await expect.poll(() => owner.getByRole('list', { name: 'Audit log' }).textContent()).toMatch(/accept/i);
  });
});
