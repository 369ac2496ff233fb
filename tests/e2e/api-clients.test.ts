import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, openSection, screenshots, signIn } from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

describeInBrowser('API clients in the console (Chromium against npm start)', (suite) => {
  it('creates a client and shows its secret once; a token from /dev/oauth2/token calls an org route; after a reload no secret; deletes after confirming', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(screenshots('api-clients'));

    const email = 'clients-owner@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Clients Co' });

    await openSection(page, url, org.id, 'API clients');
    await page.getByText('No API clients yet').waitFor();
    await both(page, 'empty');

    // A blank name: the message beside the field, nothing created.
    const form = page.getByRole('form', { name: 'Create an API client' });
    await form.getByLabel('Name').fill('   ');
    await form.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await both(page, 'blank-name');

    await form.getByLabel('Name').fill('CRM sync');
    await form.getByLabel('Role').selectOption('member');
    await form.getByRole('button', { name: 'Create client' }).click();
    await page.getByText('You will not see this secret again.', { exact: false }).waitFor();
    const codes = page.locator('pre');
    const clientId = (await codes.nth(0).textContent())!.trim();
    const clientSecret = (await codes.nth(1).textContent())!.trim();
    expect(clientSecret.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Copy the client secret' }).waitFor();
    await both(page, 'secret-once');

    // The integrator's side: a token from the token endpoint, then an org route.
    const tokenResponse = await fetch(`${url}/dev/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=agent-control-plane%2Forg',
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const members = await fetch(`${url}/api/orgs/${org.id}/members`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(members.status).toBe(200);
    expect(((await members.json()) as { items: { email: string }[] }).items.map((m) => m.email)).toEqual([
      email,
    ]);

    // Once dismissed, or after a reload, the secret is nowhere on the page.
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    await page.reload();
    const list = page.getByRole('list', { name: 'API clients' });
    await list.getByText('CRM sync').waitFor();
    await list.getByText(clientId).waitFor();
    expect(await page.content()).not.toContain(clientSecret);
    await both(page, 'listed');

    await list.getByRole('button', { name: 'Delete CRM sync' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete client' }).click();
    await page.getByText('API client CRM sync deleted.').waitFor();
    await page.getByText('No API clients yet').waitFor();
    const after = await fetch(`${url}/api/orgs/${org.id}/members`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    await both(page, 'deleted');
  }, 120_000);

  it('removing a member names the API clients they created, which stop working with them', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(screenshots('api-clients-creator'));
    const email = 'clients-remover@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Creator Co' });
    const adminEmail = 'clients-creator@acme.test';
    const admin = await joinOrg(url, owner, org.id, adminEmail, 'admin');
    await api(admin, 'PATCH', '/me', { name: 'Cleo Creator' });
    await api(admin, 'POST', `/orgs/${org.id}/api-clients`, { name: 'Billing export', role: 'viewer' });

    // The card names its creator as a person: avatar initials, name, the email beneath.
    await openSection(page, url, org.id, 'API clients');
    const card = page
      .getByRole('list', { name: 'API clients' })
      .getByRole('listitem')
      .filter({ hasText: 'Billing export' });
    const createdBy = card.locator('[data-created-by]');
    await createdBy.getByText('Cleo Creator').waitFor();
    expect(await createdBy.textContent()).toMatch(/by\s*CCCleo Creatorclients-creator@acme\.test$/);
    await both(page, 'created-by-a-person');

    await openSection(page, url, org.id, 'Members');
    await page
      .getByRole('button', { name: `Remove ${adminEmail}` })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('These API clients they created stop working at once:').waitFor();
    await dialog.getByText('Billing export').waitFor();
    await both(page, 'remove-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The owner created none: their own dialog would list nothing (they cannot remove themselves).
    expect(await page.getByRole('dialog').count()).toBe(0);
  }, 120_000);
});
