import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';

describeInBrowser('admin site in Chromium against npm start', (suite) => {
  it('signs in, refuses a bad time zone, saves the welcome form and shows the profile', async () => {
    const page = await suite.browser.newPage();
    await page.goto(suite.stack.url);
    await page.getByLabel('Email').fill('lin@example.com');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await page.getByLabel('Time zone').fill('Moon/Tranquility');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('timezone');

    await page.getByLabel('Time zone').fill('Europe/Lisbon');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('timezone').waitFor();
    expect(await page.getByTestId('timezone').textContent()).toBe('Europe/Lisbon');

    // The saved profile survives a reload: it came from the API, not from page state.
    await page.reload();
    await page.getByTestId('timezone').waitFor();
    expect(await page.getByTestId('timezone').textContent()).toBe('Europe/Lisbon');
    await page.close();
  });
});
