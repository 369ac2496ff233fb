import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

describeInBrowser('An agent’s model and prompt in the console (Chromium against npm start)', (suite) => {
  it('pins a Bedrock model and a prompt version, shows the base URL refusal beside its field, and keeps the model key write-only', async () => {
    const shot = screenshots('agent-model');
    const both = atBothSizes(shot);
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'model-owner@acme.test';
    const modelKey = 'sk-local-model-KEY-7788';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Model Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Concierge', type: 'chat' });
    const prompt = await api(owner, 'POST', `/orgs/${org.id}/prompts`, {
      name: 'Greeter',
      text: 'You greet guests warmly.',
      note: 'first draft',
    });
    // A second version, so pinning version 1 differs from following the latest.
    await api(owner, 'PATCH', `/orgs/${org.id}/prompts/${prompt.id}`, {
      text: 'You greet guests warmly and briefly.',
      note: 'shorter',
    });

    // The editor's Model and prompt tab, opened by its link.
    await page.goto(`${url}/#/orgs/${org.id}/agents/${agent.id}?tab=model`);
    const section = page.getByRole('tabpanel', { name: /^Model and prompt/ });
    await section.waitFor();
    expect(await section.getByLabel('Model provider', { exact: true }).inputValue()).toBe('default');
    const chat = section.getByRole('link', { name: 'Try it in Chat' });
    expect(await chat.getAttribute('href')).toBe(`#/orgs/${org.id}/chat?agentId=${agent.id}`);
    await both(page, 'default');

    // Bedrock, a model from the allow-list, the prompt pinned to version 1.
    await section.getByLabel('Model provider', { exact: true }).selectOption('bedrock');
    await section.getByLabel('Bedrock model').selectOption({ label: 'Amazon Nova Pro' });
    await section.getByLabel('Temperature').fill('0.5');
    const promptInput = section.getByRole('combobox', { name: 'Prompt', exact: true });
    await promptInput.click();
    await promptInput.fill('Greet');
    await page.getByRole('option', { name: 'Greeter', exact: true }).click();
    const version = section.getByLabel('Prompt version');
    expect(await version.inputValue()).toBe('latest');
    await version.locator('option', { hasText: 'Version 1,' }).waitFor({ state: 'attached' });
    await version.selectOption('1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').waitFor();
    const saved = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(saved.llm).toEqual({
      provider: 'bedrock',
      modelId: 'amazon.nova-pro-v1:0',
      temperature: 0.5,
      maxTokens: 1024,
    });
    expect(saved.prompt).toEqual({ promptId: prompt.id, version: 1 });

    await page.reload();
    await section.waitFor();
    expect(await section.getByLabel('Model provider', { exact: true }).inputValue()).toBe('bedrock');
    expect(await section.getByLabel('Bedrock model').inputValue()).toBe('amazon.nova-pro-v1:0');
    await expect
      .poll(() => section.getByRole('combobox', { name: 'Prompt', exact: true }).inputValue())
      .toBe('Greeter');
    await expect.poll(() => section.getByLabel('Prompt version').inputValue()).toBe('1');
    await both(page, 'bedrock-pinned');

    // An http base URL: the API refuses it naming llm.baseUrl, and that message sits beside the field.
    const refused = await fetch(`${url}/api/orgs/${org.id}/agents/${agent.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        llm: { provider: 'openai-compatible', baseUrl: 'http://llm.example.com/v1', model: 'small' },
      }),
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { errors: { field: string; message: string }[] };
    const message = problem.errors.find((e) => e.field === 'llm.baseUrl')?.message;
    expect(message).toBeTruthy();

    await section.getByLabel('Model provider', { exact: true }).selectOption('openai-compatible');
    const baseUrl = section.getByLabel('Base URL');
    await baseUrl.fill('http://llm.example.com/v1');
    await section.getByLabel('Model', { exact: true }).fill('small');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => baseUrl.getAttribute('aria-invalid')).toBe('true');
    const baseUrlField = section.locator('.mantine-TextInput-root', { has: page.getByLabel('Base URL') });
    expect(await baseUrlField.locator('.mantine-TextInput-error').textContent()).toBe(message);
    await both(page, 'base-url-refused');

    // An https server and its key: saved, shown only as set • last4, never in the page.
    await baseUrl.fill('https://llm.example.com/v1');
    await section.getByRole('button', { name: 'Set model api key' }).click();
    await section.getByLabel('New model api key').fill(modelKey);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Agent saved.').first().waitFor();
    const keyState = section.getByTestId('Model API key state');
    await keyState.getByText('Set • …7788').waitFor();
    expect(await page.content()).not.toContain(modelKey);
    const withKey = await api(owner, 'GET', `/orgs/${org.id}/agents/${agent.id}`);
    expect(withKey.llm).toMatchObject({
      provider: 'openai-compatible',
      baseUrl: 'https://llm.example.com/v1',
      model: 'small',
      apiKey: { set: true, last4: '7788' },
    });
    expect(JSON.stringify(withKey)).not.toContain(modelKey);
    expect(withKey.prompt).toEqual({ promptId: prompt.id, version: 1 });

    await page.reload();
    await section.getByTestId('Model API key state').getByText('Set • …7788').waitFor();
    expect(await section.getByLabel('Base URL').inputValue()).toBe('https://llm.example.com/v1');
    expect(await page.content()).not.toContain(modelKey);
    await both(page, 'openai-key-set');

    // The agents list names each agent's model.
    await page.goto(`${url}/#/orgs/${org.id}/agents`);
    const list = page.getByRole('table', { name: 'Agents' });
    await list
      .getByRole('row')
      .filter({ hasText: 'Concierge' })
      .getByText('small at llm.example.com')
      .waitFor();
    await both(page, 'list-names-model');
  }, 120_000);
});
