import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { desktop, screenshots, scrollsSideways, seriousViolations } from '../support/console';

describeInBrowser('sign-in, welcome form and profile in Chromium against npm start', (suite) => {
  it('signs in, shows field messages beside the field, saves the welcome form and keeps the session', async () => {
    const shot = screenshots('welcome');
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(JSON.stringify(await seriousViolations(page), null, 1)).toBe('[]');
    await shot(page, 'sign-in');
    await page.getByLabel('Email').fill('lin@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    // The same zod schema as the API's: the message stands beside the field it names.
    await page.getByLabel('Name').fill('Lin \u202Eevil');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.mantine-TextInput-error').textContent()).toMatch(/bidirectional override/);
    await shot(page, 'welcome-field-error');

    await page.getByLabel('Name').fill('Lin');
    // Typing in the time zone starts a new search (not appended to the zone shown), and Enter takes
    // the highlighted match instead of submitting the form with the old zone.
    const zone = page
      .getByRole('textbox', { name: 'Time zone' })
      .or(page.getByRole('combobox', { name: 'Time zone' }));
    expect(await zone.first().inputValue()).not.toBe('');
    await zone.first().click();
    await page.keyboard.type('Lisbo');
    expect(await zone.first().inputValue()).toBe('Lisbo');
    await page.getByRole('option', { name: 'Europe/Lisbon', exact: true }).waitFor();
    await page.keyboard.press('Enter');
    expect(await zone.first().inputValue()).toBe('Europe/Lisbon');
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    // A search matching nothing: Enter keeps the form open rather than saving the old zone.
    await zone.first().click();
    await page.keyboard.type('Atlantis');
    await page.getByText('No such time zone').waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('heading', { name: /Welcome/ }).isVisible()).toBe(true);
    await page.getByLabel('Name').click();
    expect(await zone.first().inputValue()).toBe('Europe/Lisbon');
    await page.getByText('Dark', { exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Your organizations' }).waitFor();
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'home-dark');

    // The profile page shows what the API stored; a new tab of the same browser stays signed in.
    const second = await suite.browser.newPage();
    await second.goto(`${suite.stack.url}/#/profile`);
    await second.getByRole('heading', { name: 'Profile' }).waitFor();
    await shot(second, 'profile-in-new-tab');
    expect(
      await second
        .getByRole('textbox', { name: 'Time zone' })
        .or(second.getByRole('combobox', { name: 'Time zone' }))
        .first()
        .inputValue(),
    ).toBe('Europe/Lisbon');
    expect(await scrollsSideways(second)).toEqual([]);

    // Signing out in one tab signs out the other.
    await page.bringToFront();
    await page.getByRole('button', { name: /Account menu/ }).click();
    await shot(page, 'account-menu');
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'signed-out');
    await second.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
    await second.close();
  });
});
