import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

describeInBrowser('Chat console (Chromium against npm start and its LLM stand-in)', (suite) => {
  it('chats with an agent and sees a cited answer with latency and tokens; the conversation is listed and can be continued', async () => {
    const shot = screenshots('chat');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'chat-owner@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Chat Co' });
    await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Help desk', type: 'chat' });
    const parking = await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Parking',
      content: 'Visitors park in the basement garage beside the lifts.',
    });
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Refunds',
      content: 'Refunds reach the original card within five working days.',
    });

    await page.goto(`${url}/#/orgs/${org.id}`);
    // The org was made after the console loaded the caller's orgs: the picker still names it.
    await page.getByRole('button', { name: /^Organization: Chat Co/ }).waitFor();
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
    await page.getByText('Pick an agent').waitFor();
    await both(page, 'pick-agent');

    await page.getByLabel('Agent').selectOption({ label: 'Help desk' });
    await page.getByText('Send a message to start a conversation.').waitFor();
    const form = page.getByRole('form', { name: 'Send a message' });
    await form.getByLabel('Message').fill('Where do visitors park?');
    await form.getByRole('button', { name: 'Send' }).click();

    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByText('Where do visitors park?').waitFor();
    // The answer names its source by number (a link), never as a raw [entry:…] marker.
    await log.getByText(/According to\s?\[1\] Visitors park in the basement garage/).waitFor();
    expect(await log.getByText(/\[entry:/).count()).toBe(0);
    expect(await log.getByRole('link', { name: 'Source 1: Parking' }).getAttribute('href')).toBe(
      `#/orgs/${org.id}/knowledge/${parking.id}`,
    );
    const source = log
      .getByRole('group', { name: 'Sources' })
      .getByRole('link', { name: 'Parking', exact: true });
    await source.waitFor();
    expect(await source.getAttribute('href')).toBe(`#/orgs/${org.id}/knowledge/${parking.id}`);
    await log.getByText(/ s · \d+ tokens in, \d+ out$/).waitFor();
    expect(await form.getByLabel('Message').inputValue()).toBe('');
    await both(page, 'cited-answer');

    // A second message continues the same conversation; the model writes it slowly (a piece every
    // quarter second), so its text shows while the send is pending, before the stored reply.
    const armed = await fetch(`${url}/dev/llm/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'drip', times: 1 }),
    });
    expect(armed.status).toBe(200);
    await form.getByLabel('Message').fill('How long do refunds take?');
    await form.getByRole('button', { name: 'Send' }).click();
    const streaming = page.getByTestId('streamed-reply');
    await streaming.getByText(/^According to/).waitFor();
    expect(await streaming.getAttribute('aria-busy')).toBe('true');
    expect(await log.getByText(/five working days/).count()).toBe(0);
    await shot(page, 'streaming');
    await log.getByText(/five working days/).waitFor();
    await log.getByRole('link', { name: 'Refunds', exact: true }).first().waitFor();
    await streaming.waitFor({ state: 'detached' });
    // Announced once, when the answer is in.
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'The agent answered.' }).count())
      .toBe(1);
    // The README's Chat screenshot (1280x800): two questions, each answered with its sources.
    mkdirSync(resolve(import.meta.dirname, '../../docs/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/chat.png') });

    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Conversations' })
      .click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const list = page.getByRole('list', { name: 'Conversations' });
    await list.getByText(/4 messages/).waitFor();
    await both(page, 'conversations');
    await list.getByRole('link', { name: /Help desk/ }).click();
    await page.getByRole('log', { name: 'Conversation' }).getByText('How long do refunds take?').waitFor();
    await page.close();
  });
});
