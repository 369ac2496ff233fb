import { expect, it } from 'vitest';
import { describeInBrowser } from '../support/browser';
import {
  desktop,
  expectScreenBarsMet,
  openSection,
  phone,
  pick,
  screenshots,
  signIn,
} from '../support/console';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

const zone = 'Europe/Madrid';

/** The ISO date `ms` falls on in Madrid. */
function madridDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

describeInBrowser('Google Calendar in the console (Chromium against npm start)', (suite) => {
  it('connects through the emulator, lists and grids the events, syncs, finds shared free time and disconnects', async () => {
    const shot = screenshots('calendar');
    const url = suite.stack.url;
    const email = 'cal@acme.test';
    const api = stackApi(url);

    // Events at Google first: two timed events on one day (the later one added first), an all-day event
    // and a timed one the day after. 07:00-10:00 UTC is the same date in Madrid all year.
    const d1 = addDays(new Date().toISOString().slice(0, 10), 1);
    const d2 = addDays(d1, 1);
    const seed: Record<string, unknown>[] = [
      {
        summary: 'Customer demo',
        location: 'Room 4, Calle Mayor 1',
        start: { dateTime: `${d1}T10:00:00Z` },
        end: { dateTime: `${d1}T11:00:00Z` },
      },
      { summary: 'Standup', start: { dateTime: `${d1}T08:00:00Z` }, end: { dateTime: `${d1}T08:15:00Z` } },
      { summary: 'Offsite', start: { date: d2 }, end: { date: addDays(d2, 1) } },
      { summary: 'Planning', start: { dateTime: `${d2}T07:00:00Z` }, end: { dateTime: `${d2}T08:00:00Z` } },
    ];
    for (const event of seed) {
      const res = await fetch(`${url}/dev/google/accounts/${email}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(res.status).toBe(201);
    }

    const page = await suite.browser.newPage();
    await page.setViewportSize(desktop);
    await signIn(page, url, email, zone);

    // An org with a second member (Mia, a plain member) through the API.
    const owner = await devToken(url, email);
    const org = await api(owner, 'POST', '/orgs', { name: 'Calendar Co' });
    await joinOrg(url, owner, org.id, 'mia@acme.test', 'member');

    await openSection(page, url, org.id, 'Calendar');
    const status = page.getByTestId('calendar-status');
    await expect.poll(() => status.textContent()).toBe('Not connected');
    await expectScreenBarsMet(page);
    await shot(page, 'not-connected');

    // Consent at the emulator answers 302 straight back through the callback to this page. On the
    // way there, Chromium holds the Secure, HttpOnly binding cookie for http://127.0.0.1.
    const bindingCookies: { name: string; secure: boolean; httpOnly: boolean }[] = [];
    await page.route('**/dev/google/o/oauth2/v2/auth?**', async (route) => {
      bindingCookies.push(...(await suite.browser.cookies(`${url}/api/oauth/google/callback`)));
      return route.continue();
    });
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    // The "connected" banner shows only until the first sync lands, which may be before the page
    // is back: the page is back when the connection shows, the banner's going is checked below.
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Connected');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(bindingCookies).toEqual([
      expect.objectContaining({ name: 'acp_oauth_binding', secure: true, httpOnly: true }),
    ]);
    await page.unroute('**/dev/google/o/oauth2/v2/auth?**');
    // The outcome is read, then dropped from the address.
    await expect.poll(() => page.url()).toBe(`${url}/#/orgs/${org.id}/calendar`);
    // The page watches the connection until the first sync lands.
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Connected');
    await expect
      .poll(() => page.getByTestId('calendar-event-count').textContent(), { timeout: 20_000 })
      .toBe('4');
    // The first sync has landed, so the banner saying it is on its way goes (seen on the page's poll).
    const onItsWay = page.getByText('The first sync is on its way', { exact: false });
    await expect.poll(() => onItsWay.count(), { timeout: 10_000 }).toBe(0);
    const account = page.getByRole('region', { name: 'Google Calendar connection' });
    expect(await account.textContent()).toContain(email);

    // The next 7 days, grouped by day in time order, the all-day event first on its day.
    const events = page.getByRole('region', { name: 'Next 7 days' });
    await events.getByText('Customer demo').waitFor();
    const days = events.getByTestId('event-days').getByRole('heading', { level: 3 });
    const labels = await days.allTextContents();
    expect(labels).toHaveLength(2);
    const firstDay = events.getByRole('list', { name: `Events on ${labels[0]}` });
    const secondDay = events.getByRole('list', { name: `Events on ${labels[1]}` });
    expect(await firstDay.getByTestId('event-title').allTextContents()).toEqual(['Standup', 'Customer demo']);
    expect(await secondDay.getByTestId('event-title').allTextContents()).toEqual(['Offsite', 'Planning']);
    expect(await secondDay.getByRole('listitem').first().textContent()).toContain('All day');
    // Start and end in the profile's zone (Madrid), and the location.
    const madridTime = (iso: string) =>
      new Intl.DateTimeFormat(undefined, { timeZone: zone, timeStyle: 'short' }).format(new Date(iso));
    const demo = firstDay.getByRole('listitem').nth(1);
    expect(await demo.getByTestId('event-time').textContent()).toBe(
      `${madridTime(`${d1}T10:00:00Z`)} – ${madridTime(`${d1}T11:00:00Z`)}`,
    );
    expect(await demo.textContent()).toContain('Room 4, Calle Mayor 1');
    await expectScreenBarsMet(page);
    await shot(page, 'events-list');

    // The week view: seven days side by side, previous and next week.
    await page.getByText('Week', { exact: true }).click();
    const today = madridDay(Date.now());
    const week = page.getByRole('region', { name: /^Week of / });
    await week.getByTestId('week-grid').waitFor();
    if (mondayOf(d1) > mondayOf(today)) await page.getByRole('button', { name: 'Next week' }).click();
    const grid = week.getByTestId('week-grid');
    await grid.getByText('Standup').waitFor();
    expect(await grid.getByRole('heading', { level: 3 }).count()).toBe(7);
    const boxes = await grid
      .getByRole('heading', { level: 3 })
      .evaluateAll((hs) => hs.map((h) => h.getBoundingClientRect().top));
    expect(new Set(boxes.map(Math.round)).size).toBe(1); // one row of seven columns
    await expectScreenBarsMet(page);
    await shot(page, 'events-week');
    await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: 'Next week' }).click();
    await expect.poll(() => grid.getByText('Nothing scheduled').count()).toBe(7);
    await shot(page, 'events-week-empty');
    await page.getByRole('button', { name: 'Today' }).click();

    // Google stops accepting the grant (revoked there): Sync now, and the page, watching the
    // connection, shows that it needs reconnecting; Reconnect goes through Google again.
    const fault = await fetch(`${url}/dev/google/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'invalid_grant', times: 1 }),
    });
    expect(fault.status).toBe(200);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync requested; the status updates when it finishes.').first().waitFor();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Needs reconnecting');
    await account.getByText('Google needs you to sign in again').waitFor();
    expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await expectScreenBarsMet(page);
    await shot(page, 'needs-reauth');
    await page.getByRole('button', { name: 'Reconnect Google Calendar' }).click();
    await expect.poll(() => page.url()).toBe(`${url}/#/orgs/${org.id}/calendar`);
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Connected');
    // A reconnect's banner waits for the reconnect's own sync, not the one before it.
    await expect.poll(() => onItsWay.count(), { timeout: 20_000 }).toBe(0);

    // Sync now: accepted, then a second one within the minute is refused with when to retry.
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Sync requested; the status updates when it finishes.').first().waitFor();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('Connected');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const refusal = account.getByRole('alert');
    await expect
      .poll(() => refusal.textContent())
      .toMatch(/less than 60 seconds ago; try again later\. You can sync again at .+ \(in \d+ seconds?\)\./);
    await shot(page, 'sync-throttled');

    // Availability for two members: Mia works 09:00-17:00 UTC (her profile's zone), the owner in Madrid.
    const finder = page.getByRole('region', { name: 'Find a time' });
    await pick(page, 'Members', 'mia@acme.test');
    await finder.getByLabel('Duration').fill('60');
    // A field message beside the field it names: the range must end after it starts.
    await finder.getByLabel('To (included)').fill(addDays(today, -1));
    await finder.getByRole('button', { name: 'Find free slots' }).click();
    await finder.getByText('must be after from').waitFor();
    await shot(page, 'availability-field-message');
    await finder.getByLabel('To (included)').fill(addDays(today, 6));
    await finder.getByRole('button', { name: 'Find free slots' }).click();
    const slots = finder.getByRole('region', { name: 'Free slots' });
    await expect.poll(() => slots.getByRole('status').textContent()).toMatch(/^\d+ free slots?$/);
    // Standup and the demo are busy for the owner, so no slot overlaps them.
    const slotTexts = await slots.getByRole('listitem').allTextContents();
    expect(slotTexts.length).toBeGreaterThan(0);
    await expectScreenBarsMet(page);
    await shot(page, 'availability');

    // The same page on a phone: stacked, no sideways scrolling.
    const small = await suite.browser.newPage();
    await small.setViewportSize(phone);
    await small.goto(`${url}/#/orgs/${org.id}/calendar`);
    await small.getByRole('region', { name: 'Next 7 days' }).getByText('Customer demo').waitFor();
    await expectScreenBarsMet(small);
    await shot(small, 'phone-list');
    await small.getByText('Week', { exact: true }).click();
    await small.getByTestId('week-grid').waitFor();
    await expectScreenBarsMet(small);
    await shot(small, 'phone-week');
    await small.close();

    // Disconnect, confirmed.
    await page.bringToFront();
    await page.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Google Calendar?' });
    await dialog.waitFor();
    await shot(page, 'disconnect-confirm');
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Not connected');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();

    // Choosing another Google account at consent is refused and explained (the org does not
    // allow other calendar accounts).
    await page.route('**/dev/google/o/oauth2/v2/auth?**', (route) => {
      const consent = new URL(route.request().url());
      consent.searchParams.set('consent_as', 'somebody-else@acme.test');
      return route.continue({ url: consent.toString() });
    });
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await page
      .getByRole('status')
      .getByText(/The Google account you chose is not cal@acme\.test, the email you sign in with here/)
      .waitFor();
    await expect.poll(() => page.url()).toBe(`${url}/#/orgs/${org.id}/calendar`);
    expect(await status.textContent()).toBe('Not connected');
    await expectScreenBarsMet(page);
    await shot(page, 'wrong-account');

    // A plain member finds free time for themselves only.
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await signIn(page, url, 'mia@acme.test', 'Atlantic/Reykjavik');
    await page.goto(`${url}/#/orgs/${org.id}/calendar`);
    const own = page.getByRole('region', { name: 'Find a time' });
    await own.getByText('Only managers and up can check other members’ availability.').waitFor();
    expect(
      await own.getByRole('textbox', { name: 'Members' }).or(own.getByLabel('Members')).first().isEditable(),
    ).toBe(false);
    await own.getByRole('button', { name: 'Find free slots' }).click();
    await expect
      .poll(() => own.getByRole('region', { name: 'Free slots' }).getByRole('status').textContent())
      .toMatch(/^\d+ free slots?$/);
    await expectScreenBarsMet(page);
    await shot(page, 'member-availability');

    // At phone size a week of one member's free time reads as days with their times, weekdays only
    // unless weekends are asked for, on a page of reasonable height that does not scroll sideways.
    await page.setViewportSize(phone);
    const freeDays = own.getByRole('region', { name: 'Free slots' }).getByRole('heading', { level: 3 });
    const weekend = /^(Sat|Sun)/;
    const weekdays = await freeDays.allTextContents();
    expect(weekdays.length).toBeGreaterThan(0);
    expect(weekdays.filter((d) => weekend.test(d))).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2_500);
    await expectScreenBarsMet(page);
    await shot(page, 'member-availability-phone');
    await own.getByRole('switch', { name: 'Show weekends' }).click();
    await expect.poll(async () => (await freeDays.allTextContents()).some((d) => weekend.test(d))).toBe(true);
    await expectScreenBarsMet(page);
    await shot(page, 'member-availability-phone-weekends');
    await page.close();
  }, 120_000);
});
