/**
 * Call records in the console (README "Call records (issue 21)"), in Chromium against npm start:
 * the LiveKit stand-in plays a test call and the worker's side of it through the runtime routes
 * (POST /dev/livekit/test-calls), then the Calls page lists it (and filters by outcome), the call's
 * page shows the greeting in its transcript, the usage and the estimated cost, the agent's Calls tab
 * lists it, and the dashboard's call figures count it. Both sizes, axe, no sideways scroll.
 */
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

describeInBrowser('call records (Chromium against npm start and its LiveKit stand-in)', (suite) => {
  it('lists a played test call, shows its transcript, usage and cost, and counts it on the dashboard', async () => {
    const both = atBothSizes(screenshots('calls'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'calls-owner@records.test';
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Ring Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, {
      name: 'Rita Voice',
      type: 'voice',
      initialMessage: 'Hello, Ring Co here.',
    });
    await api(owner, 'PUT', `/orgs/${org.id}/agents/${agent.id}/config`, {
      ttsConfig: { provider: 'openai', voiceId: 'alloy', model: 'tts-1', speed: 1, language: 'en-US' },
      sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US' },
    });
    const session = await api(owner, 'POST', `/orgs/${org.id}/agents/${agent.id}/sessions`);
    const played = await fetch(`${url}/dev/livekit/test-calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: session.token, seconds: 75 }),
    });
    expect(played.status, await played.clone().text()).toBe(200);

    await page.goto(`${url}/#/orgs/${org.id}/calls`);
    await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
    const card = page.getByRole('link', { name: /^Rita Voice · / });
    await card.waitFor();
    await page.getByText(/Test call · 1:15 long · \$0\.\d{4} estimated/).waitFor();
    await page.getByLabel('Outcome: Caller hung up').waitFor();
    await both(page, 'calls-list');

    // Filtering by another outcome leaves nothing; by this one, the call.
    await page.getByLabel('Outcome', { exact: true }).selectOption('no_answer');
    await page.getByText('No calls here yet').waitFor();
    await page.getByLabel('Outcome', { exact: true }).selectOption('caller_hung_up');
    await card.waitFor();

    await card.click();
    await page.getByRole('heading', { name: 'Test call with Rita Voice', level: 1 }).waitFor();
    const transcript = page.getByRole('list', { name: 'Transcript turns' });
    await transcript.getByText('Hello, Ring Co here.').waitFor();
    await transcript.getByText('Spoken by the worker').first().waitFor();
    const cost = page.getByRole('table', { name: 'Estimated cost' });
    await cost.getByText('deepgram:nova-3').waitFor();
    await cost.getByText('Total').waitFor();
    await page.getByText(/Prices as of \d{4}-\d{2}-\d{2}/).waitFor();
    await both(page, 'call-detail');

    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=calls`);
    await page.getByRole('heading', { name: 'Call records' }).waitFor();
    await page.getByRole('link', { name: /^Rita Voice · / }).waitFor();

    await page.goto(`${url}/#/orgs/${org.id}/dashboard`);
    const figures = page.getByTestId('call-figures');
    await expect.poll(() => figures.getByTestId('call-count').textContent()).toBe('1Calls');
    expect(await figures.getByTestId('call-average').textContent()).toBe('1:15Average duration');
    expect(await figures.getByTestId('call-minutes').textContent()).toBe('1.3Minutes');
    await figures.getByText('Caller hung up: 1').waitFor();
    await both(page, 'dashboard-calls');
  });
});
