import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import {
  atBothSizes,
  desktop,
  expectScreenBarsMet,
  openSection,
  screenshots,
  signIn,
} from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

describeInBrowser('Phone numbers in the console (Chromium against npm start)', (suite) => {
  it('adds numbers (field and plan-limit messages), assigns and unassigns an agent (shown on its page), and releases a number after confirming', async () => {
    const shot = screenshots('phone-numbers');
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(shot);

    const email = 'numbers-owner@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    // A free plan: one number.
    const org = await api(owner, 'POST', '/orgs', { name: 'Numbers Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'voice' });
    const rival = await devToken(url, 'rival@elsewhere.test');
    const rivalOrg = await api(rival, 'POST', '/orgs', { name: 'Elsewhere' });
    await api(rival, 'POST', `/orgs/${rivalOrg.id}/phone-numbers`, { e164: '+14155550999' });

    await openSection(page, url, org.id, 'Phone numbers');
    await page.getByText('No phone numbers yet').waitFor();
    await page.getByText('The organization’s plan allows 1 phone number.').waitFor();
    await both(page, 'empty');

    // Not E.164, then a number another org holds: each message beside the field.
    const add = page.getByRole('form', { name: 'Add a phone number' });
    const field = add.getByLabel('Phone number');
    const fieldError = add.locator('.mantine-TextInput-error');
    await field.fill('0415 555 0123');
    await add.getByRole('button', { name: 'Add number' }).click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => fieldError.textContent()).toMatch(/must be an E\.164 number/);
    await field.fill('+14155550999');
    await add.getByRole('button', { name: 'Add number' }).click();
    await expect.poll(() => fieldError.textContent()).toBe('This number belongs to another organization.');
    await both(page, 'taken-by-another-org');

    await field.fill('+14155550123');
    await add.getByRole('button', { name: 'Add number' }).click();
    const list = page.getByRole('list', { name: 'Phone numbers' });
    await list.getByText('+14155550123', { exact: true }).waitFor();
    await expect.poll(() => field.inputValue()).toBe('');

    // Assign the agent; the API holds it.
    const select = list.getByLabel('Answered by +14155550123');
    await select.selectOption({ label: 'Front desk' });
    await page.getByText('+14155550123 now rings Front desk.').waitFor();
    await expect
      .poll(async () => (await api(owner, 'GET', `/orgs/${org.id}/phone-numbers`)).items[0].agentId)
      .toBe(agent.id);
    await both(page, 'assigned');

    // The agent's page lists the numbers it answers and leads back here.
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=numbers`);
    const answers = page.getByRole('list', { name: 'Numbers this agent answers' });
    await answers.getByText('+14155550123', { exact: true }).waitFor();
    await both(page, 'agent-page');
    await page.getByRole('link', { name: 'Manage phone numbers' }).click();
    await page.getByRole('heading', { name: 'Phone numbers', level: 1 }).waitFor();

    // The plan allows one: the API's sentence above the form.
    await field.fill('+14155550124');
    await add.getByRole('button', { name: 'Add number' }).click();
    await add.getByText('The organization’s plan allows 1 phone number; release one').waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'plan-limit');

    await select.selectOption({ label: 'Not assigned' });
    await page.getByText('+14155550123 is unassigned.').waitFor();
    expect((await api(owner, 'GET', `/orgs/${org.id}/phone-numbers`)).items[0].agentId).toBeNull();

    // Releasing asks first.
    await list.getByRole('button', { name: 'Release' }).click();
    const dialog = page.getByRole('dialog', { name: 'Release phone number' });
    await dialog.waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'confirm-release');
    await dialog.getByRole('button', { name: 'Release number' }).click();
    await page.getByText('No phone numbers yet').waitFor();
    expect((await api(owner, 'GET', `/orgs/${org.id}/phone-numbers`)).items).toEqual([]);
    await page.close();
  });
});
