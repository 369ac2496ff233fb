import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, launchChromium } from '../support/browser';
import { atBothSizes, desktop, openSection, screenshots, signIn } from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

describeInBrowser('Tasks board with live updates (two Chromium browsers against npm start)', (suite) => {
  it('shows both members online; a move (by button or drag) or a new task in one browser appears in the other without a reload, and a removed member’s tab stops listening', async () => {
    const shot = screenshots('tasks-board');
    const url = suite.stack.url;
    const api = stackApi(url);
    const both = atBothSizes(shot);

    const olivia = await devToken(url, 'olivia@board.test');
    const org = await api(olivia, 'POST', '/orgs', { name: 'Board Co' });
    const max = await joinOrg(url, olivia, org.id, 'max@board.test', 'manager');
    // People by name (issue 23 item 3): presence, assignee and creator show these, emails beneath.
    await api(olivia, 'PATCH', '/me', { name: 'Olivia Ortega' });
    await api(max, 'PATCH', '/me', { name: 'Max Moreno' });
    const maxId = (await api(max, 'GET', '/me')).id;
    const task = await api(olivia, 'POST', `/orgs/${org.id}/tasks`, {
      type: 'call',
      subject: 'Call back Dana',
      toAddress: '+14155550123',
      assignedTo: maxId,
    });

    // Two people, two browsers (each its own storage, so its own session).
    const second = await launchChromium();
    try {
      const mine = await suite.browser.newPage();
      const theirs = await second.browser.newPage();
      for (const [page, email] of [
        [mine, 'olivia@board.test'],
        [theirs, 'max@board.test'],
      ] as const) {
        await page.setViewportSize(desktop);
        await signIn(page, url, email);
        await openSection(page, url, org.id, 'Tasks');
      }
      const column = (page: Page, name: string) => page.getByRole('region', { name });
      await column(mine, 'Pending').getByText('Call back Dana').waitFor();
      await column(theirs, 'Pending').getByText('Call back Dana').waitFor();

      // Presence: each board shows both people online.
      for (const page of [mine, theirs]) {
        const online = page.getByRole('group', { name: 'Online now' });
        await expect.poll(() => online.locator('[data-user-id]').count(), { timeout: 25_000 }).toBe(2);
      }
      // Named from the member list (heartbeats carry only the id the service stamped on them).
      const online = (page: Page) => page.getByRole('group', { name: 'Online now' });
      await online(mine).getByRole('img', { name: 'Max Moreno' }).waitFor();
      await online(mine).getByRole('img', { name: 'Olivia Ortega' }).waitFor();
      await online(theirs).getByRole('img', { name: 'Olivia Ortega' }).waitFor();
      expect(await online(mine).getByRole('img', { name: 'Max Moreno' }).textContent()).toBe('MM');
      // The assignee as a person on the card: initials, name, email beneath ("(you)" on their own board).
      const assignee = (page: Page) =>
        column(page, 'Pending')
          .getByRole('listitem')
          .filter({ hasText: 'Call back Dana' })
          .locator('[data-assignee]');
      await assignee(mine).getByText('Max Moreno').waitFor();
      expect(await assignee(mine).textContent()).toBe('Assigned toMMMax Morenomax@board.test');
      expect(await assignee(theirs).textContent()).toBe('Assigned toMMMax Moreno (you)max@board.test');
      await both(mine, 'board-two-online');

      // Max starts the task; Olivia's board moves it without a reload.
      await theirs.getByRole('button', { name: 'Start: Call back Dana' }).click();
      await theirs.getByText('“Call back Dana” is in progress.').waitFor();
      await column(mine, 'In progress').getByText('Call back Dana').waitFor({ timeout: 10_000 });
      // Each column refetches on its own (events carry ids only), so the old one may empty a moment later.
      await expect.poll(() => column(mine, 'Pending').getByText('Call back Dana').count()).toBe(0);
      await both(mine, 'moved-by-the-other');

      // A new task from Olivia's form: a wrong number is refused beside the field, then it appears for Max.
      await mine.getByRole('button', { name: 'New task' }).click();
      const form = mine.getByRole('form', { name: 'New task' });
      await form.getByLabel('Subject').fill('Email the quote');
      await form.getByLabel('Number to call').fill('0415 555');
      await form.getByRole('button', { name: 'Add task' }).click();
      await expect.poll(() => form.getByLabel('Number to call').getAttribute('aria-invalid')).toBe('true');
      await shot(mine, 'new-task-field-error');
      await form.getByLabel('Type').selectOption({ label: 'Email' });
      await form.getByLabel('Email to').fill('buyer@example.com');
      await form.getByRole('button', { name: 'Add task' }).click();
      await mine.getByText('“Email the quote” was added to Pending.').waitFor();
      await column(theirs, 'Pending').getByText('Email the quote').waitFor({ timeout: 10_000 });
      await both(theirs, 'new-task-seen-by-the-other');

      // Dragged with the mouse: only the columns the task may move to take it; Max sees the move.
      await mine.getByRole('listitem').filter({ hasText: 'Email the quote' }).hover();
      await mine.mouse.down();
      await column(mine, 'In progress').hover();
      await column(mine, 'In progress').hover();
      const targets = mine.locator('section[data-drop-target]');
      await expect
        .poll(() => targets.evaluateAll((s) => s.map((e) => e.querySelector('h2')?.textContent)))
        .toEqual(['In progress', 'Cancelled']);
      await shot(mine, 'dragging-a-task');
      await mine.mouse.up();
      await mine.getByText('“Email the quote” is in progress.').waitFor();
      await column(theirs, 'In progress').getByText('Email the quote').waitFor({ timeout: 10_000 });
      expect(await targets.count()).toBe(0);

      // The task's page, kept fresh too: Max completes it there, Olivia's board follows.
      await theirs.getByRole('link', { name: 'Call back Dana' }).click();
      await theirs.getByRole('heading', { name: 'Call back Dana', level: 1 }).waitFor();
      await theirs.getByText('+14155550123').waitFor();
      // Assignee and creator as people on the task's page.
      const field = (label: string) => theirs.getByText(label, { exact: true }).locator('..');
      await field('Created by').getByText('Olivia Ortega').waitFor();
      expect(await field('Created by').textContent()).toBe('Created byOOOlivia Ortegaolivia@board.test');
      expect(await field('Assigned to').textContent()).toBe('Assigned toMMMax Moreno (you)max@board.test');
      await both(theirs, 'task-detail');
      await theirs.getByRole('button', { name: 'Complete: Call back Dana' }).click();
      await column(mine, 'Completed').getByText('Call back Dana').waitFor({ timeout: 10_000 });
      const stored = await api(olivia, 'GET', `/orgs/${org.id}/tasks/${task.id}`);
      expect(stored.status).toBe('completed');
      await both(mine, 'completed-by-the-other');

      // Olivia removes Max: his open tab is told on the org's access channel and stops listening.
      await api(olivia, 'DELETE', `/orgs/${org.id}/members/${maxId}`);
      await theirs.getByText('You no longer have access to this organization.').waitFor({ timeout: 10_000 });
      await shot(theirs, 'removed-while-watching');
    } finally {
      await second.close();
    }
  }, 180_000);
});
