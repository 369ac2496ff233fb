import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import { atBothSizes, desktop, openSection, pick, screenshots, signIn } from '../support/console';
import { devToken, stackApi } from '../support/local-stack';

const refunds = [
  '## Cancelling an appointment',
  'Cancel up to 24 hours before your appointment in the app and the fee is refunded to your card within five working days.',
  '',
  '## Late cancellations',
  'Cancellations within 24 hours are charged half the session fee.',
].join('\n');

const hours = [
  '## Weekdays',
  'The clinic is open from 8am to 8pm, Monday to Friday.',
  '',
  '## Weekends',
  'On Saturday the clinic opens from 9am to 2pm. It is closed on Sunday.',
].join('\n');

describeInBrowser('Knowledge bank in the console (Chromium against npm start)', (suite) => {
  it('adds two entries (a too-long title refused beside the field), lists them, finds the right one first in test retrieval, deletes one after confirming', async () => {
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(screenshots('knowledge'));

    const email = 'knowledge-owner@acme.test';
    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email);
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Knowledge Co' });
    await api(owner, 'POST', `/orgs/${org.id}/agents`, { name: 'Front desk', type: 'chat' });

    await openSection(page, url, org.id, 'Knowledge');
    await page.getByText('No knowledge yet').waitFor();
    await both(page, 'empty');

    // A title past the limit: the API's own message beside the title, nothing added.
    const tooLong = 'T'.repeat(201);
    const refused = await fetch(`${url}/api/orgs/${org.id}/knowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: tooLong, content: 'x' }),
    });
    expect(refused.status).toBe(400);
    const { errors } = (await refused.json()) as { errors: { field: string; message: string }[] };
    const message = errors.find((e) => e.field === 'title')!.message;

    await page.getByRole('link', { name: 'New entry' }).click();
    const create = page.getByRole('form', { name: 'Create a knowledge entry' });
    await create.getByLabel('Title').fill(tooLong);
    await create.getByLabel('Content').fill(refunds);
    await create.getByRole('button', { name: 'Add entry' }).click();
    await expect.poll(() => create.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await create.getByText(message, { exact: true }).waitFor();
    await create.getByText(`${refunds.length} characters · ${refunds.length} of 102,400 bytes`).waitFor();
    await both(page, 'title-too-long');
    expect((await api(owner, 'GET', `/orgs/${org.id}/knowledge`)).items).toEqual([]);

    // The refunds entry: tagged, and only for the front desk.
    await create.getByLabel('Title').fill('Refunds and cancellations');
    await create.getByLabel('Tags').fill('billing');
    await create.getByLabel('Tags').press('Enter');
    await pick(page, 'Only for these agents', 'Front desk');
    // A multi-select stays open for more picks; Escape closes it.
    await create.getByLabel('Only for these agents').press('Escape');
    await create.getByRole('button', { name: 'Add entry' }).click();
    await page.getByRole('heading', { name: 'Refunds and cancellations', level: 1 }).waitFor();
    await page.getByText('Entry Refunds and cancellations added', { exact: false }).waitFor();
    await both(page, 'first-entry');

    await page.getByRole('link', { name: 'Knowledge' }).first().click();
    await page.getByRole('link', { name: 'New entry' }).click();
    const second = page.getByRole('form', { name: 'Create a knowledge entry' });
    await second.getByLabel('Title').fill('Opening hours');
    await second.getByLabel('Content').fill(hours);
    await second.getByRole('button', { name: 'Add entry' }).click();
    await page.getByRole('heading', { name: 'Opening hours', level: 1 }).waitFor();

    await page
      .getByRole('navigation', { name: 'Organization' })
      .getByRole('link', { name: 'Knowledge' })
      .click();
    const table = page.getByRole('table', { name: 'Knowledge entries' });
    await table.getByRole('link', { name: 'Opening hours' }).waitFor();
    const refundsRow = table.getByRole('row').filter({ hasText: 'Refunds and cancellations' });
    await refundsRow.getByText('billing').waitFor();
    await refundsRow.getByText('Front desk').waitFor();
    await table.getByRole('row').filter({ hasText: 'Opening hours' }).getByText('All agents').waitFor();
    await both(page, 'list');

    // Test retrieval: the hours entry answers a question about Saturdays, ranked first.
    const search = page.getByRole('form', { name: 'Test retrieval' });
    await search.getByLabel('Question').fill('When is the clinic open on Saturday?');
    await search.getByLabel('As agent').selectOption({ label: 'Front desk' });
    await search.getByRole('button', { name: 'Search' }).click();
    const passages = page.getByRole('list', { name: 'Retrieved passages' });
    await passages.waitFor();
    const first = passages.getByRole('listitem').first();
    await first.getByRole('link', { name: 'Opening hours' }).waitFor();
    expect(await first.textContent()).toContain('On Saturday the clinic opens from 9am to 2pm.');
    expect(await first.textContent()).toMatch(/Score \d+\.\d\d/);
    // Its words and its meaning both found it (BM25 and the embedding, README "Hybrid retrieval").
    expect(await first.textContent()).toContain('Found by words and meaning');
    await both(page, 'retrieval');

    await search.getByLabel('Question').fill('How long does a refund to my card take?');
    await search.getByRole('button', { name: 'Search' }).click();
    await passages
      .getByRole('listitem')
      .first()
      .getByRole('link', { name: 'Refunds and cancellations' })
      .waitFor();

    // Delete after confirming: gone from the list and from retrieval.
    await passages
      .getByRole('listitem')
      .first()
      .getByRole('link', { name: 'Refunds and cancellations' })
      .click();
    await page.getByRole('heading', { name: 'Refunds and cancellations', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Delete entry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete entry' }).click();
    await page.getByText('Entry Refunds and cancellations deleted.').waitFor();
    await page.getByRole('heading', { name: 'Knowledge', level: 1 }).waitFor();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await both(page, 'deleted');
  }, 180_000);
});
