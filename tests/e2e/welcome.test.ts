import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, launchChromium } from '../support/browser';
import { type RunningStack, startNpmStack } from '../support/local-stack';

const { available } = browserAvailability();

describe.skipIf(!available)('admin site in Chromium against npm start', () => {
  let stack: RunningStack;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    [stack, chrome] = await Promise.all([startNpmStack(), launchChromium()]);
  }, 90_000);
  afterAll(async () => {
    await chrome?.close();
    await stack?.interrupt();
  });

  it('signs in, refuses a bad time zone, saves the welcome form and shows the profile', async () => {
    const page = await chrome.browser.newPage();
    await page.goto(stack.url);
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
