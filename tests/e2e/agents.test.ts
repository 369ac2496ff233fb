import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import {
  atBothSizes,
  desktop,
  expectScreenBarsMet,
  openSection,
  pick,
  screenshots,
  signIn,
} from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

/**
 * The DynamoDB Local endpoint of the `npm start` process group (its java child's -port), so the
 * operator's set-entitlements script can change the plan in that stack's table.
 */
function dynamoEndpointOf(pgid: number): string {
  const pids = spawnSync('pgrep', ['-g', String(pgid)])
    .stdout.toString()
    .trim()
    .split('\n');
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const port = args.indexOf('-port');
    if (port >= 0 && args.some((a) => a.endsWith('DynamoDBLocal.jar')))
      return `http://127.0.0.1:${args[port + 1]}`;
  }
  throw new Error(`no DynamoDB Local in process group ${pgid}`);
}

async function grantStarter(pgid: number, orgId: string) {
  Object.assign(process.env, {
    TABLE_NAME: 'agent-control-plane-local',
    DYNAMODB_ENDPOINT: dynamoEndpointOf(pgid),
  });
  const { setEntitlements } = await import('../../infra/scripts/set-entitlements');
  await setEntitlements({ orgId, plan: 'starter', operator: 'ops@example.com' });
}

const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
const input = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).and(page.locator('input'));

/** Picks an option of a searchable select by typing part of it. */
async function choose(page: Page, label: string, option: string) {
  await input(page, label).click();
  await input(page, label).fill(option.slice(0, 4));
  await page.getByRole('option', { name: option, exact: true }).click();
}

describeInBrowser('AI agents in the console (Chromium against npm start)', (suite) => {
  it('creates agents (field and plan-limit messages), keeps keys write-only, shares, reads shared-in agents and deletes', async () => {
    const shot = screenshots('agents');
    const url = suite.stack.url;
    const email = 'agents-owner@acme.test';
    const api = stackApi(url);
    const keys = {
      chatbot: 'cb-secret-0001-ABCD',
      chatbotNew: 'cb-secret-0002-EFGH',
      tts: 'tts-secret-9876-WXYZ',
      stt: 'stt-secret-5555-QRST',
    };
    const noKeyInPage = async (page: Page) => {
      const html = await page.content();
      for (const key of Object.values(keys)) expect(html).not.toContain(key);
    };
    const both = atBothSizes(shot);

    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const home = await api(owner, 'POST', '/orgs', { name: 'Agents Co' });
    const partner = await api(owner, 'POST', '/orgs', { name: 'Partner Co' });

    // The side navigation leads to an empty list that says what to do.
    await openSection(page, url, home.id, 'Agents');
    await page.getByText('No agents yet').waitFor();
    await both(page, 'empty');

    // An http endpoint: the schema's message beside the field.
    await page.getByRole('button', { name: 'Create the first agent' }).click();
    const create = page.getByRole('form', { name: 'Create an agent' });
    await create.getByLabel('Name').fill('Front desk');
    await create.getByLabel('Description').fill('Answers the phone at reception');
    await create.getByLabel('Initial message').fill('Hello, how can I help?');
    await create.getByLabel('Chatbot endpoint').fill('http://bot.example.com/reply');
    await create.getByLabel('Chatbot key').fill(keys.chatbot);
    await create.getByRole('button', { name: 'Create agent' }).click();
    await expect.poll(() => create.getByLabel('Chatbot endpoint').getAttribute('aria-invalid')).toBe('true');
    expect(await create.locator('.mantine-TextInput-error').textContent()).toBe('must be an https URL');
    await expectScreenBarsMet(page);
    await shot(page, 'endpoint-must-be-https');

    await create.getByLabel('Chatbot endpoint').fill('https://bot.example.com/reply');
    await create.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Front desk', level: 1 }).waitFor();
    const frontDesk = page.url().split('/agents/')[1]!;
    const chatbotState = page.getByTestId('Chatbot key state');
    await expect.poll(() => chatbotState.textContent()).toBe('Set • …ABCD');
    await noKeyInPage(page);
    await both(page, 'created');

    // Voice: OpenAI's fixed voices by name, the speed by keyboard, the language by name, a key.
    await tab(page, 'Voice').click();
    await page.getByLabel('Text-to-speech provider').selectOption('openai');
    await page.getByLabel('Text-to-speech model').selectOption('tts-1-hd');
    await choose(page, 'Voice', 'Nova · female · Many languages');
    await choose(page, 'Voice language', 'English (United Kingdom) · en-GB');
    const slider = page.getByRole('slider');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => slider.getAttribute('aria-valuenow')).toBe('1.1');
    await page.getByRole('button', { name: 'Set text-to-speech key' }).click();
    await page.getByLabel('New text-to-speech key').fill(keys.tts);
    // Transcriber: its provider, model, language and key, in the same draft.
    await tab(page, 'Transcriber').click();
    await page.getByLabel('Speech-to-text provider').selectOption('deepgram');
    await page.getByLabel('Speech-to-text model').selectOption('nova-2');
    await choose(page, 'Transcription language', 'English (United Kingdom) · en-GB');
    await page.getByRole('button', { name: 'Set speech-to-text key' }).click();
    await page.getByLabel('New speech-to-text key').fill(keys.stt);
    await shot(page, 'speech-filled');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByTestId('Text-to-speech key state').textContent()).toBe('Set • …WXYZ');
    await expect.poll(() => page.getByTestId('Speech-to-text key state').textContent()).toBe('Set • …QRST');
    await tab(page, 'Voice').click();
    expect(await input(page, 'Voice').inputValue()).toBe('Nova · female · Many languages');
    await noKeyInPage(page);
    const stored = await api(owner, 'GET', `/orgs/${home.id}/agents/${frontDesk}`);
    expect(stored.ttsConfig).toMatchObject({
      provider: 'openai',
      model: 'tts-1-hd',
      voiceId: 'nova',
      speed: 1.1,
      language: 'en-GB',
    });
    expect(stored.sttConfig).toMatchObject({ provider: 'deepgram', model: 'nova-2', language: 'en-GB' });
    await both(page, 'speech-saved');

    // A provider without voices the console knows asks for a voice id; Discard drops the draft.
    await page.getByLabel('Text-to-speech provider').selectOption('cartesia');
    await page.getByLabel('Voice id').waitFor();
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.getByLabel('Text-to-speech provider').inputValue()).toBe('openai');

    // Someone else changes the agent meanwhile: nothing is overwritten, and a reload shows theirs.
    await tab(page, 'Overview').click();
    const current = await fetch(`${url}/api/orgs/${home.id}/agents/${frontDesk}`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    const changed = await fetch(`${url}/api/orgs/${home.id}/agents/${frontDesk}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${owner}`,
        'content-type': 'application/json',
        'if-match': current.headers.get('etag')!,
      },
      body: JSON.stringify({ description: 'Changed in another tab' }),
    });
    expect(changed.status).toBe(200);
    await page.getByLabel('Name').fill('Front desk (main)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Someone changed this agent meanwhile').waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'changed-meanwhile');
    await page.getByRole('button', { name: 'Reload agent' }).click();
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('Changed in another tab');
    expect(await page.getByLabel('Name').inputValue()).toBe('Front desk');

    // Replace the chatbot key; the new one is never shown either.
    await tab(page, 'Model and prompt').click();
    await page.getByRole('button', { name: 'Replace chatbot key' }).click();
    await page.getByLabel('New chatbot key').fill(keys.chatbotNew);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => chatbotState.textContent()).toBe('Set • …EFGH');
    await expect.poll(() => page.getByLabel('New chatbot key').count()).toBe(0);
    await noKeyInPage(page);
    await shot(page, 'chatbot-key-replaced');

    // Clear the text-to-speech key (confirmed).
    await tab(page, 'Voice').click();
    await page.getByRole('button', { name: 'Clear text-to-speech key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear text-to-speech key' });
    await dialog.waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'confirm-clear-key');
    await dialog.getByRole('button', { name: 'Clear key' }).click();
    await expect.poll(() => page.getByTestId('Text-to-speech key state').textContent()).toBe('Not set');
    await expect.poll(() => page.getByTestId('Speech-to-text key state').textContent()).toBe('Set • …QRST');
    await shot(page, 'tts-key-cleared');

    // Talk: npm start runs the LiveKit stand-in, so the API hands out a room of its own for this
    // agent; this browser has no microphone to give, which the page explains (tests/e2e/agent-talk
    // holds the call itself, and the 503 of a stack without LiveKit).
    await tab(page, 'Calls').click();
    const talk = page.getByRole('region', { name: 'Talk' });
    const session = page.waitForResponse((r) => r.url().endsWith('/sessions'));
    await talk.getByRole('button', { name: 'Talk' }).click();
    expect((await session).status()).toBe(201);
    await talk
      .getByRole('alert')
      .filter({ hasText: /Microphone not allowed|No microphone/ })
      .waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'talk-no-microphone');

    // The free plan allows one agent: the API's sentence above the form.
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Agents' })
      .click();
    await page.getByRole('link', { name: 'Front desk' }).waitFor();
    await page.getByRole('button', { name: 'New agent' }).click();
    await create.getByLabel('Name').fill('Night shift');
    await create.getByLabel('Type').selectOption('chat');
    await create.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('alert').getByText('The organization’s plan allows 1 agents').waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'plan-limit');

    // The operator grants starter: now it is created.
    await grantStarter(suite.stack.child.pid!, home.id);
    await create.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Night shift', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('link', { name: 'Night shift' }).waitFor();
    await both(page, 'list');

    // Filters: by type, and a status none has.
    await page.getByLabel('Filter by type').selectOption('chat');
    await expect.poll(() => page.getByRole('link', { name: 'Front desk' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Night shift' }).waitFor();
    await page.getByLabel('Filter by status').selectOption('training');
    await page.getByText('No agents match these filters').waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'filtered-empty');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: 'Front desk' }).click();

    // Share Front desk into Partner Co.
    await page.getByRole('heading', { name: 'Front desk', level: 1 }).waitFor();
    await tab(page, 'Sharing').click();
    await pick(page, 'Share with', 'Partner Co');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('list', { name: 'Shared with' }).getByText('Partner Co').waitFor();
    await expectScreenBarsMet(page);
    await shot(page, 'shared');

    // In Partner Co it is listed with the shared badge and read-only.
    await page.goto(`${url}/#/orgs/${partner.id}/agents`);
    const row = page.getByRole('row', { name: /Front desk/ });
    await row.waitFor();
    expect(await row.getByText('Shared', { exact: true }).count()).toBe(1);
    await both(page, 'partner-list');
    await row.getByRole('link', { name: 'Front desk' }).click();
    await page.getByText('This agent is managed by its owning organization; it is read-only here.').waitFor();
    expect(await page.getByRole('button', { name: /Save/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Delete/ }).count()).toBe(0);
    expect(await page.getByText('Set • …EFGH').count()).toBe(1);
    await noKeyInPage(page);
    await both(page, 'partner-read-only');

    // Stop sharing (confirmed): it leaves Partner Co.
    await page.goto(`${url}/#/orgs/${home.id}/agents/${frontDesk}?tab=sharing`);
    await page.getByRole('button', { name: 'Stop sharing with Partner Co' }).click();
    await page
      .getByRole('dialog', { name: 'Stop sharing' })
      .getByRole('button', { name: 'Stop sharing' })
      .click();
    await page.getByText('Not shared with any organization.').waitFor();
    const partnerList = await api(owner, 'GET', `/orgs/${partner.id}/agents`);
    expect(partnerList.items).toEqual([]);

    // Delete Night shift (confirmed): back to the list without it.
    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Agents' })
      .click();
    await page.getByRole('link', { name: 'Night shift' }).click();
    await page.getByRole('heading', { name: 'Night shift', level: 1 }).waitFor();
    await tab(page, 'Advanced').click();
    await page.getByRole('button', { name: 'Delete agent' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete agent' });
    await expectScreenBarsMet(page);
    await shot(page, 'confirm-delete');
    await confirm.getByRole('button', { name: 'Delete agent' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Front desk' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Night shift' }).count()).toBe(0);
    await both(page, 'deleted');
    await page.close();
  }, 180_000);
});
