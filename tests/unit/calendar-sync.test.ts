import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failureOutcome,
  fullSyncWindow,
  type GoogleEvent,
  indexSpan,
  leftovers,
  planPage,
  recordFromGoogle,
  type StoredRef,
} from '../../functions/domain/calendar-sync';

const timed = (id: string, start: string, end: string, etag = '"1"'): GoogleEvent => ({
  id,
  etag,
  status: 'confirmed',
  summary: id,
  start: { dateTime: start },
  end: { dateTime: end },
});

const refOf = (g: GoogleEvent): StoredRef => {
  const r = recordFromGoogle(g)!;
  return { googleEventId: g.id, startUtc: r.startUtc, etag: r.etag };
};

describe('recordFromGoogle', () => {
  it('normalizes timed events to UTC and keeps the fields of the contract', () => {
    const r = recordFromGoogle({
      ...timed('a', '2030-01-01T10:00:00+02:00', '2030-01-01T11:00:00+02:00'),
      start: { dateTime: '2030-01-01T10:00:00+02:00', timeZone: 'Europe/Athens' },
      transparency: 'transparent',
      attendees: [{ email: 'x@example.com', responseStatus: 'accepted' }],
    });
    expect(r?.event).toEqual({
      id: 'evt_a',
      googleEventId: 'a',
      title: 'a',
      description: null,
      location: null,
      start: '2030-01-01T08:00:00.000Z',
      end: '2030-01-01T09:00:00.000Z',
      allDay: false,
      timezone: 'Europe/Athens',
      attendees: [{ email: 'x@example.com', displayName: null, responseStatus: 'accepted' }],
      transparent: true,
    });
  });

  it('keeps all-day events as dates, sorted at midnight UTC and ending late enough for every zone', () => {
    const r = recordFromGoogle({ id: 'd', start: { date: '2030-01-01' }, end: { date: '2030-01-02' } });
    expect(r?.event).toMatchObject({ allDay: true, start: '2030-01-01', end: '2030-01-02' });
    expect(r?.startUtc).toBe('2030-01-01T00:00:00.000Z');
    expect(r?.endUtc).toBe('2030-01-02T12:00:00.000Z');
  });

  it('drops cancelled events and events without times', () => {
    expect(recordFromGoogle({ id: 'c', status: 'cancelled' })).toBeNull();
    expect(recordFromGoogle({ id: 'n', summary: 'no times' })).toBeNull();
  });
});

describe('planPage', () => {
  const a = timed('a', '2030-01-01T10:00:00Z', '2030-01-01T11:00:00Z');
  const b = timed('b', '2030-01-02T10:00:00Z', '2030-01-02T11:00:00Z');

  it('moves an unchanged all-day event stored under its old sort key (14 hours before its date)', () => {
    const day = { id: 'd', etag: '"1"', start: { date: '2030-01-01' }, end: { date: '2030-01-02' } };
    const old = { googleEventId: 'd', startUtc: '2029-12-31T10:00:00.000Z', etag: '"1"' };
    const plan = planPage(new Map([['d', old]]), [day]);
    expect(plan.puts.map((r) => r.startUtc)).toEqual(['2030-01-01T00:00:00.000Z']);
    expect(plan.deleteEvents).toEqual([old]);
    expect([plan.added, plan.removed]).toEqual([0, 0]);
  });

  it('writes new events and skips ones whose etag did not change', () => {
    const plan = planPage(new Map([['a', refOf(a)]]), [a, b]);
    expect(plan.puts.map((r) => r.event.googleEventId)).toEqual(['b']);
    expect(plan).toMatchObject({ added: 1, removed: 0, deleteEvents: [], deletePointers: [] });
  });

  it('removes the old item of an event that moved, and nothing of one that changed in place', () => {
    const moved = timed('a', '2030-01-05T10:00:00Z', '2030-01-05T11:00:00Z', '"2"');
    const plan = planPage(new Map([['a', refOf(a)]]), [moved]);
    expect(plan.puts).toHaveLength(1);
    expect(plan.deleteEvents).toEqual([refOf(a)]);
    expect(plan.deletePointers).toEqual([]);
    const renamed = { ...a, summary: 'renamed', etag: '"3"' };
    expect(planPage(new Map([['a', refOf(a)]]), [renamed]).deleteEvents).toEqual([]);
  });

  it('deletes cancelled events it has, and ignores cancelled ones it never had', () => {
    const plan = planPage(new Map([['a', refOf(a)]]), [
      { id: 'a', status: 'cancelled' },
      { id: 'z', status: 'cancelled' },
    ]);
    expect(plan).toMatchObject({ puts: [], deletePointers: ['a'], removed: 1, added: 0 });
  });

  it('applies the last of several changes to one event in a page', () => {
    const plan = planPage(new Map(), [a, { id: 'a', status: 'cancelled' }]);
    expect(plan).toMatchObject({ puts: [], deletePointers: [], added: 0, removed: 0 });
  });

  it('keeps the stored count right for any mix of changes', () => {
    const change = fc.record({
      id: fc.constantFrom<string>('a', 'b', 'c', 'd'),
      cancelled: fc.boolean(),
      hour: fc.integer({ min: 0, max: 20 }),
      etag: fc.constantFrom('"1"', '"2"'),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c'), { maxLength: 3 }),
        fc.array(change, { maxLength: 8 }),
        (stored, changes) => {
          const existing = new Map(
            stored.map((id) => [id, refOf(timed(id, '2030-01-01T00:00:00Z', '2030-01-01T01:00:00Z'))]),
          );
          const events: GoogleEvent[] = changes.map((c) =>
            c.cancelled
              ? { id: c.id, status: 'cancelled' }
              : timed(
                  c.id,
                  `2030-01-01T${String(c.hour).padStart(2, '0')}:00:00Z`,
                  '2030-01-01T23:00:00Z',
                  c.etag,
                ),
          );
          const plan = planPage(existing, events);
          const after = new Set(existing.keys());
          for (const g of new Map(events.map((e) => [e.id, e])).values()) {
            if (g.status === 'cancelled') after.delete(g.id);
            else after.add(g.id);
          }
          expect(existing.size + plan.added - plan.removed).toBe(after.size);
        },
      ),
    );
  });
});

describe('leftovers', () => {
  it('deletes what a full listing did not see', () => {
    const existing = new Map<string, StoredRef>([
      ['a', { googleEventId: 'a', startUtc: '2030-01-01T00:00:00.000Z', etag: '"1"' }],
      ['b', { googleEventId: 'b', startUtc: '2030-01-02T00:00:00.000Z', etag: '"1"' }],
    ]);
    const plan = leftovers(existing, new Set(['a']));
    expect(plan).toMatchObject({ deletePointers: ['b'], removed: 1 });
  });
});

describe('sync rules', () => {
  it('fully syncs from 30 days back to 180 days ahead', () => {
    const now = new Date('2030-06-01T00:00:00Z');
    expect(fullSyncWindow(now)).toEqual({
      timeMin: '2030-05-02T00:00:00.000Z',
      timeMax: '2030-11-28T00:00:00.000Z',
    });
  });

  it('stops retrying on invalid_grant and retries when Google is unavailable', () => {
    expect(failureOutcome('invalid_grant', 'x')).toMatchObject({
      status: 'needs_reauth',
      keepScheduled: false,
      retryMessage: false,
    });
    expect(failureOutcome('unavailable', 'down')).toEqual({
      status: 'error',
      lastError: 'down',
      keepScheduled: true,
      retryMessage: true,
    });
    expect(failureOutcome('rejected', 'no')).toMatchObject({ retryMessage: false, keepScheduled: true });
  });

  it('indexes timed events by their own span', () => {
    expect(
      indexSpan({ start: '2030-01-01T10:00:00.000Z', end: '2030-01-01T11:00:00.000Z', allDay: false }),
    ).toEqual({
      startUtc: '2030-01-01T10:00:00.000Z',
      endUtc: '2030-01-01T11:00:00.000Z',
    });
  });
});
