/**
 * The audit log read (issue 23 item 4), in Chromium against npm start: entries name what they were
 * done to by the name it had then (a deleted agent's last name), read as one sentence, render nested
 * values, and the action filter offers every family. Both sizes, axe light+dark, no sideways scroll.
 */
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, pick, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

describeInBrowser('the audit log, read (Chromium against npm start)', (suite) => {
  it('reads the audit log as sentences naming what was changed, with every action family to filter by', async () => {
    const both = atBothSizes(screenshots('audit-names'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'owner@audit-people.test';
    const owner = await devToken(url, email);
    // The actor reads by their name today (the email the entry kept is its tooltip).
    await api(owner, 'PATCH', '/me', { name: 'Owen Owner' });
    const page = await suite.browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Ledger Co' });
    const agent = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Greeter', type: 'voice' });
    const renamed = await fetch(`${url}/api/orgs/${org.id}/agents/${agent.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${owner}`,
        'content-type': 'application/json',
        'if-match': `"${agent.version}"`,
      },
      body: JSON.stringify({ name: 'Front Desk' }),
    }).then((r) => r.json());
    await fetch(`${url}/api/orgs/${org.id}/agents/${agent.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${owner}`, 'if-match': `"${renamed.version}"` },
    });
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Parking',
      content: 'Visitors park in the basement.',
    });

    await page.goto(`${url}/#/orgs/${org.id}/audit`);
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const entries = page.getByRole('list', { name: 'Audit entries' });
    await entries.waitFor();
    const texts = await entries.getByRole('listitem').allTextContents();
    // The deleted agent by the name it last had; one sentence each; no unrendered objects.
    expect(texts.find((t) => t.includes('knowledge.created'))).toMatch(
      /^OOOwen Owner added the knowledge entry Parking\./,
    );
    expect(texts.find((t) => t.includes('agent.deleted'))).toMatch(
      /^OOOwen Owner deleted the agent Front Desk\./,
    );
    expect(texts.find((t) => t.includes('agent.updated'))).toMatch(
      /changed the agent Front Desk\..*Name:Greeter→Front Desk/,
    );
    expect(texts.find((t) => t.includes('agent.created'))).toMatch(/created the agent Greeter\./);
    expect(texts.join('\n')).not.toContain('[object Object]');
    await both(page, 'entries');

    // The action filter: a group per family, each action by name.
    await page.getByRole('combobox', { name: 'Action' }).click();
    const listbox = page.getByRole('listbox', { name: 'Action' });
    await listbox.waitFor();
    const groups = await page.locator('.mantine-Select-groupLabel').allTextContents();
    for (const family of [
      'Organization',
      'Members',
      'Invitations',
      'Agents',
      'Phone numbers',
      'Tasks',
      'Prompts',
      'Knowledge',
      'API clients',
      'Platform',
    ]) {
      expect(groups).toContain(family);
    }
    await page.keyboard.press('Escape');
    await pick(page, 'Action', 'Agent deleted');
    await expect.poll(() => entries.getByRole('listitem').count()).toBe(1);
    expect(await entries.textContent()).toMatch(/deleted the agent Front Desk\./);
    await both(page, 'filtered');
    await page.close();
  }, 180_000);
});
