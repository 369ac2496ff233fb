/** Answering an invitation from "Invitations for you" on Home, without the mailed link. */
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { desktop, screenshots, scrollsSideways, seriousViolations, signIn } from '../support/console';
import { devToken } from '../support/local-stack';

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

describeInBrowser('invitations for you (Chromium against npm start)', (suite) => {
  it('accepts one invitation and declines another from Home', async () => {
    const shot = screenshots('invitations-for-you');
    const owner = await devToken(suite.stack.url, 'olaf@list.test');
    for (const name of ['List Accept Co', 'List Decline Co']) {
      const org = await api(suite.stack.url, owner, 'POST', '/orgs', { name });
      const sent = await api(suite.stack.url, owner, 'POST', `/orgs/${org.body.id}/invites`, {
        email: 'ines@list.test',
      });
      expect(sent.status).toBe(201);
    }
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, suite.stack.url, 'ines@list.test');
    const list = page.getByRole('list', { name: 'Invitations for you' });
    await list.getByText('List Decline Co').waitFor();
    await page.mouse.move(0, 0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await scrollsSideways(page)).toEqual([]);
    await shot(page, 'two-invitations');

    await page.getByRole('button', { name: 'Decline the invitation to List Decline Co' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Decline' }).click();
    await page.getByText('Invitation declined.').waitFor();
    await expect.poll(() => list.getByText('List Decline Co').count()).toBe(0);
    await shot(page, 'declined');

    await page.getByRole('button', { name: 'Accept the invitation to List Accept Co' }).click();
    await page.getByRole('heading', { name: 'List Accept Co' }).first().waitFor();
    expect(page.url()).toMatch(/#\/orgs\/org_/);
    await shot(page, 'accepted');
    await page.close();
  });
});
