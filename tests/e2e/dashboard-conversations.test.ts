/**
 * The dashboard's conversations section in Chromium against npm start and its LLM stand-in: after
 * a few messages through the API (one failing at the stand-in), the dashboard shows the
 * conversations, replies, failures, average latency and tokens, the per-agent bars named from the
 * agents list, the month's token usage against the plan's budget as a labelled bar, and exports a
 * CSV whose row for today holds the same numbers. Screenshots at both sizes, axe, no sideways scroll.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

const superadmin = process.env.PLATFORM_SUPERADMIN_EMAIL ?? 'platform@example.com';

interface Reply {
  status: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

describeInBrowser('Dashboard conversations (Chromium against npm start and its LLM stand-in)', (suite) => {
  it('charts conversations per day and agent, shows the token budget and exports the CSV', async () => {
    const both = atBothSizes(screenshots('dashboard-conversations'));
    const url = suite.stack.url;
    const api = stackApi(url);
    const email = 'dash-conv-owner@charts.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Talk Co' });
    // Two agents need more than the free plan: the platform operator's path grants starter.
    await api(await devToken(url, superadmin), 'PUT', `/admin/orgs/${org.id}/plan`, { plan: 'starter' });
    const ada = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Ada Chat', type: 'chat' });
    const bea = await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Bea Chat', type: 'chat' });
    await api(owner, 'POST', `/orgs/${org.id}/knowledge`, {
      title: 'Parking',
      content: 'Visitors park in the basement garage beside the lifts.',
    });

    const replies: Reply[] = [];
    const chat = async (agentId: string, texts: string[]) => {
      const path = `/orgs/${org.id}/agents/${agentId}/conversations`;
      const conversation = await api(owner, 'POST', path, { channel: 'api' });
      for (const text of texts) {
        const res = await fetch(`${url}/api${path}/${conversation.id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        const body = await res.json();
        if (res.status === 201) replies.push(body.reply);
        else expect(res.status, JSON.stringify(body)).toBe(502);
      }
    };
    await chat(ada.id, ['Where do visitors park?', 'Is the garage in the basement?']);
    await chat(ada.id, ['Where is the visitor parking?']);
    await chat(bea.id, ['Where can I park?', '[fault:500] Where can I park again?']);
    expect(replies).toHaveLength(4);
    const input = replies.reduce((n, r) => n + r.inputTokens, 0);
    const output = replies.reduce((n, r) => n + r.outputTokens, 0);
    const latency = Math.round(replies.reduce((n, r) => n + r.latencyMs, 0) / replies.length);
    const usage = await api(owner, 'GET', `/orgs/${org.id}/conversations/usage`);
    expect([usage.usedTokens, usage.monthlyTokens]).toEqual([input + output, 2_000_000]);

    await page.goto(`${url}/#/orgs/${org.id}/dashboard`);
    await page.getByRole('heading', { name: 'Conversations', level: 2, exact: true }).waitFor();
    const n = new Intl.NumberFormat('en-US');
    const totals = page.getByTestId('conversation-totals');
    await totals.waitFor();
    expect(await totals.getByTestId('conversations-conversations').textContent()).toBe('3Conversations');
    expect(await totals.getByTestId('conversations-answered').textContent()).toBe('4Replies');
    expect(await totals.getByTestId('conversations-failed').textContent()).toBe('1Failed replies');
    expect(await totals.getByTestId('conversations-latency').textContent()).toBe(
      `${n.format(latency)} msAverage latency`,
    );
    expect(await totals.getByTestId('conversations-tokens').textContent()).toBe(
      `${n.format(input + output)}Tokens`,
    );
    const percent = Math.round(((input + output) / 2_000_000) * 1000) / 10;
    expect(await page.getByTestId('token-usage').textContent()).toBe(
      `${n.format(input + output)} of 2,000,000 tokens used (${percent}%)`,
    );
    const bar = page.getByRole('progressbar', { name: /Monthly model budget used/ });
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(percent));
    // Agents by conversations, named from the agents list.
    const byAgent = page.getByTestId('chart-conversations-by-agent');
    await byAgent.getByText('Ada Chat').waitFor();
    await byAgent.getByText('Bea Chat').waitFor();
    for (const chart of ['conversations-per-day', 'tokens-per-day', 'latency-per-day'])
      await page.getByTestId(`chart-${chart}`).locator('svg').first().waitFor();
    await page.getByTestId('token-budget').scrollIntoViewIfNeeded();
    await both(page, 'conversations');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export conversations CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
    expect(csv[0]).toBe('date,conversations,answered,failed,average_latency_ms,input_tokens,output_tokens');
    expect(csv).toHaveLength(1 + 14);
    expect(csv.filter((row) => row.startsWith(today))).toEqual([
      `${today},3,4,1,${latency},${input},${output}`,
    ]);
    for (const row of csv.slice(1).filter((r) => !r.startsWith(today)))
      expect(row).toMatch(/^[\d-]{10},0,0,0,,0,0$/);
    // Both files are named by the range's first and last day as picked (the API's bound is the day after).
    const first = new Date(Date.parse(`${today}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
    expect((await download).suggestedFilename()).toBe(`conversations-${first}-to-${today}.csv`);
    const tasksDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
    expect((await tasksDownload).suggestedFilename()).toBe(`tasks-${first}-to-${today}.csv`);

    // A range without conversations says what to do; the month's budget stays in view.
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByLabel('To').fill('2020-01-10');
    await page.getByText('No conversations in these days').waitFor();
    await page.getByTestId('token-usage').waitFor();
    await both(page, 'empty-range');
  }, 180_000);
});
