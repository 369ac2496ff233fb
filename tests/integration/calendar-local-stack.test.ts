/** Connect -> sync -> events offline, over real HTTP against `npm start` and its Google emulator. */
import { describe, expect, it } from 'vitest';
import { devToken, useNpmStack } from '../support/local-stack';

describe('Google Calendar on the local stack', () => {
  const stack = useNpmStack();

  it('connects through the emulator consent redirect, syncs in the background and lists events', async () => {
    const email = 'calendar-demo@example.com';
    const auth = {
      authorization: `Bearer ${await devToken(stack.current.url, email)}`,
      'content-type': 'application/json',
    };
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${stack.current.url}/api${path}`, {
        method,
        headers: auth,
        redirect: 'manual',
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: res.status === 204 ? undefined : await res.json(),
      };
    };
    const org = await api('POST', '/orgs', { name: 'Calendar demo' });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    const orgId = org.body.id as string;

    const start = new Date(Date.now() + 3 * 3_600_000);
    const seeded = await fetch(`${stack.current.url}/dev/google/accounts/${email}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        summary: 'Demo call',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 30 * 60_000).toISOString() },
      }),
    });
    expect(seeded.status).toBe(201);
    expect((await seeded.json()).id).toEqual(expect.any(String));

    const authorize = await api('POST', `/orgs/${orgId}/calendar/google/authorize`);
    expect(authorize.status).toBe(200);
    const consentUrl = new URL(authorize.body.url);
    expect(consentUrl.origin).toBe(stack.current.url);
    expect(consentUrl.pathname).toBe('/dev/google/o/oauth2/v2/auth');
    expect(consentUrl.searchParams.get('login_hint')).toBe(email);

    // The browser keeps the binding cookie authorize set and sends it back to the callback.
    const binding = authorize.headers.get('set-cookie')?.split(';')[0];
    expect(binding).toMatch(/^acp_oauth_binding=/);
    const consent = await fetch(consentUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location')!, {
      redirect: 'manual',
      headers: { cookie: binding! },
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(
      `${stack.current.url}/#/orgs/${orgId}/calendar?calendar=connected`,
    );

    let status: { status: string; eventCount: number } | undefined;
    for (let i = 0; i < 100 && status?.eventCount !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await api('GET', `/orgs/${orgId}/calendar`)).body;
    }
    expect(status).toMatchObject({ status: 'connected', eventCount: 1, lastError: null });

    const from = new Date().toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const events = await api('GET', `/orgs/${orgId}/calendar/events?from=${from}&to=${to}`);
    expect(events.body.items.map((e: { title: string }) => e.title)).toEqual(['Demo call']);

    const stats = await (await fetch(`${stack.current.url}/dev/google/stats`)).json();
    expect(stats).toEqual({ eventsListCalls: expect.any(Number), tokenCalls: expect.any(Number) });
    expect(stats.eventsListCalls).toBeGreaterThanOrEqual(1);
    expect(stats.tokenCalls).toBeGreaterThanOrEqual(1);
  });
});
