import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, openSection, screenshots, signIn } from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

/** The API's own message for a field of a refused request. */
async function apiFieldMessage(url: string, token: string, path: string, body: unknown, field: string) {
  const res = await fetch(`${url}/api${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { errors: { field: string; message: string }[] };
  return problem.errors.find((e) => e.field === field)!.message;
}

describeInBrowser('Prompts in the console (Chromium against npm start)', (suite) => {
  it('creates a prompt, edits it twice, shows the history and the diff of v1 and v3; a too-long name, a stale save and a delete refused while an agent uses it', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(screenshots('prompts'));

    const email = 'prompts-owner@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Prompt Co' });

    await openSection(page, url, org.id, 'Prompts');
    await page.getByText('No prompts yet').waitFor();
    await both(page, 'empty');

    // A name past the limit: the API's message beside the name, nothing created.
    await page.getByRole('button', { name: 'New prompt' }).click();
    const form = page.getByRole('form', { name: 'Create a prompt' });
    const tooLong = 'N'.repeat(101);
    const message = await apiFieldMessage(
      url,
      owner,
      `/orgs/${org.id}/prompts`,
      { name: tooLong, text: 'x' },
      'name',
    );
    await form.getByLabel('Name').fill(tooLong);
    await form.getByLabel('Prompt text').fill('You are the front desk.');
    await form.getByRole('button', { name: 'Create prompt' }).click();
    await expect.poll(() => form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await form.getByText(message, { exact: true }).waitFor();
    await form.getByText('23 characters · 23 of 32,768 bytes').waitFor();
    await both(page, 'name-too-long');
    expect((await api(owner, 'GET', `/orgs/${org.id}/prompts`)).items).toEqual([]);

    await form.getByLabel('Name').fill('Front desk');
    await form.getByLabel('Prompt text').fill('You are the front desk.\nBe brief.\nNever promise refunds.');
    await form.getByLabel('Version note').fill('First draft');
    await form.getByRole('button', { name: 'Create prompt' }).click();
    await page.getByRole('heading', { name: 'Front desk', level: 1 }).waitFor();
    await page.getByText('Prompt Front desk created.').waitFor();
    await both(page, 'created');

    // Two edits: each save is the next version.
    const edit = page.getByRole('form', { name: 'Edit the prompt' });
    await edit
      .getByLabel('Prompt text')
      .fill('You are the front desk.\nBe warm and brief.\nNever promise refunds.');
    await edit.getByLabel('Version note').fill('Warmer');
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await edit
      .getByLabel('Prompt text')
      .fill(
        'You are the front desk.\nBe warm and brief.\nNever promise refunds.\nAnswer in the caller’s language.',
      );
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Saved as version 3.').waitFor();

    const versions = page.getByRole('list', { name: 'Versions' });
    await expect.poll(() => versions.getByRole('listitem').count()).toBe(3);
    await versions.getByText('Warmer').waitFor();
    await versions.getByText('First draft').waitFor();
    await expect.poll(() => versions.getByText(email).count()).toBe(3);
    await both(page, 'history');

    await page.getByLabel('From version', { exact: true }).selectOption('1');
    await page.getByLabel('To version', { exact: true }).selectOption('3');
    const diff = page.getByRole('region', { name: 'Changes from version 1 to version 3' });
    await diff.getByText('2 lines added, 1 removed').waitFor();
    const lines = async (kind: string) =>
      (await diff.locator(`[data-diff="${kind}"]`).allTextContents()).map((t) => t.trim());
    expect(await lines('removed')).toEqual(['−Removed: Be brief.']);
    expect(await lines('added')).toEqual([
      '+Added: Be warm and brief.',
      '+Added: Answer in the caller’s language.',
    ]);
    await both(page, 'diff-v1-v3');

    // Someone else saves meanwhile: this page's save is refused and says so, with a reload.
    await fetch(`${url}/api/orgs/${org.id}/prompts/${page.url().split('/').at(-1)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Changed elsewhere' }),
    });
    await edit.getByLabel('Name').fill('Front desk (new)');
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Someone changed this prompt meanwhile').waitFor();
    await both(page, 'stale');
    await page.getByRole('button', { name: 'Reload prompt' }).click();
    await expect.poll(() => edit.getByLabel('Description').inputValue()).toBe('Changed elsewhere');
    await expect.poll(() => edit.getByLabel('Name').inputValue()).toBe('Front desk');

    // An agent follows it: deleting is refused, and the API's reason shows beside the action.
    const promptId = page.url().split('/').at(-1)!;
    await api(owner, 'POST', `/orgs/${org.id}/agents`, {
      name: 'Reception',
      type: 'chat',
      prompt: { promptId, version: 'latest' },
    });
    await page.reload();
    await page.getByRole('link', { name: 'Reception' }).waitFor();
    await page.getByRole('button', { name: 'Delete prompt' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete prompt' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Prompt not deleted' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/agent/i);
    await both(page, 'delete-refused');
  }, 180_000);

  it('shows a viewer the prompt read-only', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const shot = atBothSizes(screenshots('prompts-viewer'));
    const owner = await devToken(url, 'prompts-admin@acme.test');
    const org = await api(owner, 'POST', '/orgs', { name: 'Viewer Prompt Co' });
    const prompt = await api(owner, 'POST', `/orgs/${org.id}/prompts`, {
      name: 'Greeting',
      text: 'Say hello.',
    });
    const viewerEmail = 'prompts-viewer@acme.test';
    await joinOrg(url, owner, org.id, viewerEmail, 'viewer');

    // The browser is still signed in as the first test's owner.
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await page.goto(url);
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await signIn(page, url, viewerEmail);
    await page.goto(`${url}/#/orgs/${org.id}/prompts/${prompt.id}`);
    await page.getByRole('heading', { name: 'Greeting', level: 1 }).waitFor();
    await page.getByText('Only admins of the organization change prompts.').waitFor();
    await page.getByText('Say hello.').waitFor();
    expect(await page.getByRole('form', { name: 'Edit the prompt' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete prompt' }).count()).toBe(0);
    await shot(page, 'read-only');
  }, 120_000);
});
