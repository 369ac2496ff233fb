import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';

describeInBrowser('Google Calendar in the admin site (Chromium against npm start)', (suite) => {
  it('connects through the emulator, shows the synced events and disconnects', async () => {
    const email = 'cal@acme.test';
    const start = new Date(Date.now() + 2 * 3_600_000);
    const seeded = await fetch(`${suite.stack.url}/dev/google/accounts/${email}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        summary: 'Customer demo',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
      }),
    });
    expect(seeded.status).toBe(201);

    const page = await suite.browser.newPage();
    await page.goto(suite.stack.url);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await page.getByLabel('Time zone').fill('Europe/Madrid');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByLabel('Name').fill('Calendar Co');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Calendar Co' }).waitFor();
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    expect(await page.getByTestId('calendar-status').textContent()).toContain('not connected');

    // Consent at the emulator answers 302 straight back through the callback to this page.
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await page.getByRole('status').getByText('Google Calendar connected').waitFor();
    expect(page.url()).toContain('calendar=connected');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('calendar-status').waitFor();
          return page.getByTestId('calendar-status').textContent();
        },
        { timeout: 15_000 },
      )
      .toMatch(/Status: connected.*1 events/);
    await page.getByRole('list', { name: 'Events' }).getByText('Customer demo').waitFor();

    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect
      .poll(() => page.getByTestId('calendar-status').textContent(), { timeout: 10_000 })
      .toContain('not connected');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();

    // Choosing another Google account at consent is refused and explained (the org does not
    // allow other calendar accounts).
    await page.route('**/dev/google/o/oauth2/v2/auth?**', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('consent_as', 'somebody-else@acme.test');
      return route.continue({ url: url.toString() });
    });
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await page
      .getByRole('status')
      .getByText(/the Google account you chose is not cal@acme\.test/)
      .waitFor();
    expect(page.url()).toContain('calendar=wrong_account');
    expect(await page.getByTestId('calendar-status').textContent()).toContain('not connected');
  });
});
