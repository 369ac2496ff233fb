import { describe, expect, it } from 'vitest';
import { type Task, type TaskStatus, taskStatuses } from '../../functions/api/schemas/tasks';
import { Refusal } from '../../functions/domain/refusal';
import {
  applyTaskChange,
  moveTask,
  newTask,
  requestHash,
  summarize,
  summaryBuckets,
  taskBucket,
  transitionRefusal,
} from '../../functions/domain/tasks';

/** Every pair written out: true where the state machine allows the move. */
const allowed: Record<TaskStatus, Record<TaskStatus, boolean>> = {
  pending: { pending: false, in_progress: true, completed: false, failed: false, cancelled: true },
  in_progress: { pending: false, in_progress: false, completed: true, failed: true, cancelled: true },
  completed: { pending: false, in_progress: false, completed: false, failed: false, cancelled: false },
  failed: { pending: false, in_progress: false, completed: false, failed: false, cancelled: false },
  cancelled: { pending: false, in_progress: false, completed: false, failed: false, cancelled: false },
};

const t0 = new Date('2026-03-01T09:00:00.000Z');
const t1 = new Date('2026-03-01T09:05:00.000Z');

function taskIn(status: TaskStatus): Task {
  return {
    ...newTask('org_1', { type: 'call', priority: 'medium' }, { kind: 'member', id: 'usr_1' }, t0),
    status,
  };
}

describe('task state machine', () => {
  const pairs = taskStatuses.flatMap((from) =>
    taskStatuses.map((to) => [from, to, allowed[from][to]] as const),
  );

  it.each(pairs)('%s -> %s allowed: %s', (from, to, ok) => {
    const refusal = transitionRefusal(from, to);
    expect(refusal === null).toBe(ok);
    if (refusal) {
      expect([refusal.kind, refusal.field]).toEqual(['conflict', 'status']);
      const next = taskStatuses.filter((s) => allowed[from][s]);
      // The refusal names the moves that are allowed from here, or says the task has ended.
      for (const s of next) expect(refusal.message).toContain(s);
      if (next.length === 0) expect(refusal.message).toContain('ended');
    }
    const moved = moveTask(taskIn(from), to, t1);
    expect(moved instanceof Refusal).toBe(!ok);
  });

  it('sets startedAt on start and completedAt on every end, and nothing else does', () => {
    const started = moveTask(taskIn('pending'), 'in_progress', t1) as Task;
    expect([started.startedAt, started.completedAt, started.version]).toEqual([t1.toISOString(), null, 2]);
    for (const end of ['completed', 'failed', 'cancelled'] as const) {
      const ended = moveTask(started, end, new Date('2026-03-01T10:00:00.000Z')) as Task;
      expect([ended.startedAt, ended.completedAt]).toEqual([t1.toISOString(), '2026-03-01T10:00:00.000Z']);
    }
    const cancelled = moveTask(taskIn('pending'), 'cancelled', t1) as Task;
    expect([cancelled.startedAt, cancelled.completedAt]).toEqual([null, t1.toISOString()]);
    const edited = applyTaskChange(taskIn('pending'), { priority: 'high' }, t1) as Task;
    expect([edited.status, edited.startedAt, edited.version]).toEqual(['pending', null, 2]);
  });

  it('checks a changed address against the task’s type', () => {
    const refusal = applyTaskChange(taskIn('pending'), { toAddress: 'someone@example.com' }, t1);
    expect(refusal).toBeInstanceOf(Refusal);
    expect((refusal as Refusal).field).toBe('toAddress');
  });
});

describe('idempotency body hash', () => {
  it('is the same however the keys are ordered, and differs with any value', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      requestHash({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    );
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});

describe('summary counters', () => {
  it('bucket by UTC quarter hour', () => {
    expect(taskBucket('2026-03-01T09:14:59.999Z')).toBe('2026-03-01T09:00Z');
    expect(taskBucket('2026-03-01T09:15:00.000Z')).toBe('2026-03-01T09:15Z');
  });

  it('fold into local days exactly in zones with :30 and :45 offsets', () => {
    // Kathmandu is UTC+5:45: its 2026-03-02 begins at 2026-03-01T18:15Z.
    expect(summaryBuckets('2026-03-02', '2026-03-03', 'Asia/Kathmandu')).toEqual({
      first: '2026-03-01T18:15Z',
      last: '2026-03-02T18:00Z',
    });
    const counts = (n: number) => ({ 'call#pending': n });
    const summary = summarize('2026-03-01', '2026-03-03', 'Asia/Kathmandu', [
      { bucket: '2026-03-01T18:00Z', counts: counts(1) }, // 23:45 local on the 1st
      { bucket: '2026-03-01T18:15Z', counts: counts(2) }, // 00:00 local on the 2nd
      { bucket: '2026-03-03T00:00Z', counts: counts(4) }, // the 3rd: outside [from, to)
    ]);
    expect(summary.days.map((d) => [d.date, d.byType.call.pending, d.total])).toEqual([
      ['2026-03-01', 1, 1],
      ['2026-03-02', 2, 2],
    ]);
  });

  it('counts a day of 23 hours across a DST change', () => {
    // New York springs forward on 2026-03-08: that local day is 23 hours long.
    const { first, last } = summaryBuckets('2026-03-08', '2026-03-09', 'America/New_York');
    expect([first, last]).toEqual(['2026-03-08T05:00Z', '2026-03-09T03:45Z']);
  });
});
