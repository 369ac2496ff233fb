/** Section 2 of REPORT.md: the round trips the integration tests recorded (tests/support/api.ts), per route. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { routes } from '../../functions/api/routes';
import { budgetOf, exceptions, extraReadsBeforeWrite, overBudget, tally } from './round-trip-budgets';

interface Recorded {
  max: number;
  commands: string[];
  calls: number;
}

export function roundTripSection(dir = resolve('.tmp', 'round-trips')): string {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const merged = new Map<string, Recorded>();
  let newest = 0;
  for (const file of files) {
    newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
    const { routes: recorded } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      routes: Record<string, Recorded>;
    };
    for (const [operationId, r] of Object.entries(recorded)) {
      const seen = merged.get(operationId);
      if (!seen) merged.set(operationId, { ...r });
      else {
        seen.calls += r.calls;
        if (r.max > seen.max) Object.assign(seen, { max: r.max, commands: r.commands });
      }
    }
  }
  const rows = routes.map((spec) => {
    const r = merged.get(spec.operationId);
    const budget = budgetOf(spec);
    const n = (v: number) => (Number.isFinite(v) ? String(v) : '∞');
    const budgetText = `${n(budget.reads)}R ${n(budget.writes)}W${exceptions[spec.operationId] ? ' (exception)' : ''}`;
    if (!r)
      return `| ${spec.method} ${spec.path} | ${spec.operationId} | — | — | not called | ${budgetText} | |`;
    const { reads, writes } = tally(r.commands);
    const over = overBudget(spec, r.commands);
    const extra = extraReadsBeforeWrite(spec, r.commands);
    return `| ${spec.method} ${spec.path} | ${spec.operationId} | ${r.calls} | ${reads}R ${writes}W | ${r.commands.join(', ')} | ${budgetText} | ${over ? '✗ over' : extra ? `ok (+${extra} read before write)` : 'ok'} |`;
  });
  const reasons = Object.entries(exceptions).map(
    ([id, b]) => `- **${id}** (${b.reads}R ${b.writes}W): ${b.reason}`,
  );
  const called = routes.filter((r) => merged.has(r.operationId)).length;
  return `## 2. DynamoDB round trips per route

The most DynamoDB commands one call of each route sent while the integration tests ran (recorded by
tests/support/api.ts into .tmp/round-trips, one file per test file; ${files.length} files, newest ${
    newest ? new Date(newest).toISOString() : 'none'
  }: run integration tests to refresh, delete the folder to start over). ${called} of ${routes.length} routes were called.
R = reads (GetItem, BatchGetItem, Query, Scan), W = writes (one TransactWriteItems counts once). "SignIn:PutItem" is the
caller's profile created on their first request, part of authentication, not counted. "+N read before write" marks a
write route that reads more than authorization before its write (over the issue's strict reading for writes, within
the enforced default of 3 reads). Budgets live in
tests/bench/round-trip-budgets.ts and tests/integration/round-trip-budgets.test.ts enforces them.

| route | operationId | calls | most | commands of that call | budget | |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${reasons.length ? `Exceptions:\n\n${reasons.join('\n')}` : 'No exceptions declared.'}`;
}
