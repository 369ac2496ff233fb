/** Section 7 of REPORT.md, from what tests/bench/console.ts printed. */
import type { ConsoleLoad, ConsoleResult, WaterfallRow } from './console';

export const consoleHeading = '## 7. Console load';
/** Issue 20's goal, absolute (a browser's own work has no floor to compare with): reported, never failing the run. */
export const consoleGoalMs = 1000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (v: number) => v.toFixed(0);

/**
 * What a request waited on, read from the times: the latest response to end before it started (the
 * page cannot have acted on anything that ended later). Requests started together share one answer.
 */
function waitedOn(row: WaterfallRow, rows: WaterfallRow[]): string {
  const before = rows.filter((r) => r !== row && r.end <= row.start);
  if (!before.length) return '—';
  return before.reduce((a, b) => (b.end > a.end ? b : a)).path;
}

function waterfall(load: ConsoleLoad): string {
  const rows = [...load.waterfall].sort((a, b) => a.start - b.start);
  const lines = rows.map(
    (r) =>
      `| ${r.path.replace(/\/orgs\/[^/?]+/, '/orgs/{orgId}')} | ${r.initiator}${r.cached ? ' (cached)' : ''} | ${ms(r.start)} | ${ms(r.end)} | ${waitedOn(r, rows).replace(/\/orgs\/[^/?]+/, '/orgs/{orgId}')} |`,
  );
  return `| request | started by | start ms | end ms | waited on |
|---|---|---|---|---|
${lines.join('\n')}
| **agents list rendered** | | ${ms(load.ms)} | | |`;
}

function summary(name: string, loads: ConsoleLoad[]): string {
  const m = median(loads.map((l) => l.ms));
  const me = [...new Set(loads.map((l) => l.meRequests))].join(', ');
  return `| ${name} | ${loads.map((l) => ms(l.ms)).join(', ')} | **${ms(m)} ms** | ${(m / consoleGoalMs).toFixed(2)}x${m > consoleGoalMs ? ' ✗' : ' ✓'} | ${me} |`;
}

export function consoleSection(result: ConsoleResult): string {
  const middle = (loads: ConsoleLoad[]) => {
    const m = median(loads.map((l) => l.ms));
    return loads.find((l) => l.ms === m)!;
  };
  return `${consoleHeading}

Chromium (headless, a fresh profile) against the local stack serving a fresh \`npm run build:web\`, signed in
(the dev identity's token in local storage, as the sign-in page leaves it), an org of ${result.agents} agents, 1280x800.
Each load is a new tab navigating to \`#/orgs/{orgId}/agents\`, timed from navigation start to the frame that
paints the agents table's first row (a mutation observer marks it; \`performance.now()\` in the page).
**Returning** (the headline): the HTTP cache holds the site from an earlier visit, as for anyone opening the
console again. **First visit**: the HTTP cache emptied before each load. ${result.runs} loads each, median.
Goal (issue 20): at most ${consoleGoalMs / 1000} s, \`/api/me\` once per load (✗ marks a miss; reported, not
enforced: it is absolute, so read it on a quiet machine).

| load | each, ms | median | ratio to goal | \`/api/me\` per load |
|---|---|---|---|---|
${summary('returning', result.returning)}
${summary('first visit', result.firstVisit)}

Request waterfall of the median returning load (Resource Timing; times from navigation start; "waited on"
is inferred: the latest response to end before the request started):

${waterfall(middle(result.returning))}

The same for the median first visit:

${waterfall(middle(result.firstVisit))}
`;
}
