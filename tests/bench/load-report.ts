/** Sections 5 and 6 of REPORT.md, from what tests/bench/load.ts printed. */

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  /** What the failed requests were: a status code, `timeout` or `error`, with how many. */
  failedAs?: Record<string, number>;
}

const failedAs = (m: Measured) =>
  Object.entries(m.failedAs ?? {})
    .map(([what, n]) => `${what} ×${n}`)
    .join(', ');
interface SyncRun {
  ms: number;
  pages: number;
  eventCount: number;
  googleCalls: number;
  commands: Record<string, number>;
  writeUnits: number;
  eventWrites: number;
}
export interface LoadResult {
  seconds: number;
  seededMembers: number;
  throughput: {
    route: string;
    operationId: string;
    status: number;
    commands: string[];
    cells: { concurrency: number; route: Measured; floor: Measured }[];
  }[];
  sync: { events: number; full: SyncRun; incremental: SyncRun };
}

const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
const ratio = (v: number) => `${v.toFixed(2)}x`;

export function loadSections(load: LoadResult): { text: string; failures: string[] } {
  const failures: string[] = [];
  const rows = load.throughput.flatMap((t) =>
    t.cells.map((c, i) => {
      if (c.route.failed)
        failures.push(
          `${t.route} at concurrency ${c.concurrency}: ${c.route.failed} failed requests (${failedAs(c.route)})`,
        );
      const first = i === 0;
      return `| ${first ? t.route : ''} | ${first ? t.commands.join(' → ') : ''} | ${c.concurrency} | ${c.route.rps.toFixed(0)} | ${c.floor.rps.toFixed(0)} | ${ratio(
        c.route.rps / c.floor.rps,
      )} | ${ms(c.route.p50)} | ${ms(c.floor.p50)} | ${ratio(c.route.p50 / c.floor.p50)} | ${ms(c.route.p99)} | ${ms(
        c.floor.p99,
      )} | ${ratio(c.route.p99 / c.floor.p99)} | ${c.route.failed || c.floor.failed ? `${c.route.failed} / ${c.floor.failed}` : ''} |`;
    }),
  );
  const { full, incremental, events } = load.sync;
  const commands = (r: SyncRun) =>
    Object.entries(r.commands)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
  const incrementalOk = incremental.googleCalls === 1 && incremental.eventWrites === 0;
  if (!incrementalOk)
    failures.push(
      `unchanged incremental sync: ${incremental.googleCalls} Google calls and ${incremental.eventWrites} event writes (must be 1 and 0)`,
    );
  if (full.eventCount !== events) failures.push(`full sync stored ${full.eventCount} of ${events} events`);
  const text = `## 5. Throughput and latency through the local gateway

autocannon (its own process) sends HTTP requests through the local gateway (\`npm start\`'s, in-process:
route matching, the API Gateway v2 event, the real handler, DynamoDB Local) for ${load.seconds} s per cell, one
connection per unit of concurrency; the org has ${load.seededMembers + 1} members and 3 agents. **Floor**: the DynamoDB commands
one request of the route sent (recorded live, in that order; commands sent together are sent
together), replayed from the handlers' process with a client of its own at the same concurrency for
the same time, writes without their conditions so they can repeat. The floor is what the route
cannot avoid; the gap is JWT verification, validation, the pipeline, HTTP and the load generator
sharing 2 cores with DynamoDB Local. PATCH spreads its connections over ${Math.max(
    ...load.throughput.flatMap((t) => t.cells.map((c) => c.concurrency)),
  )} orgs (one each), so it measures writes, not refusals of racing writes to one item (those are
409s without If-Match, by design). Ratios: req/s route ÷ floor (1.00x = as fast as the floor), latency route ÷ floor.
"failed" is non-2xx or errors, route / floor.

| route | commands per request | c | req/s | floor req/s | ratio | p50 ms | floor p50 | ratio | p99 ms | floor p99 | ratio | failed |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

## 6. Calendar sync against the Google emulator

A full sync of ${events.toLocaleString('en')} events (one member's calendar, the emulator in-process on loopback),
then an incremental sync with nothing changed, each through \`syncConnection\` as the worker runs it. Write units
are DynamoDB's own count (\`ReturnConsumedCapacity: TOTAL\` on every write); each event is two items
(the event and its Google-id pointer, both under 1 KB).

| sync | time | events/s | pages | Google calls | DynamoDB commands | event items written | write units |
|---|---|---|---|---|---|---|---|
| full | ${(full.ms / 1000).toFixed(1)} s | ${((full.eventCount / full.ms) * 1000).toFixed(0)} | ${full.pages} | ${full.googleCalls} | ${commands(full)} | ${full.eventWrites} | ${full.writeUnits} |
| incremental, unchanged | ${ms(incremental.ms)} ms | — | ${incremental.pages} | ${incremental.googleCalls} | ${commands(incremental)} | ${incremental.eventWrites} | ${incremental.writeUnits} |

The unchanged incremental sync must be exactly 1 Google call and 0 event writes: ${
    incrementalOk ? 'it is' : '**it is not**'
  } (its writes are the lease and the sync record on the connection item;
tests/integration/calendar-sync-faults.test.ts asserts the same on 10,000 events).`;
  return { text, failures };
}
