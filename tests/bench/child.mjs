// A fresh Node process for `npm run bench` (tests/bench/run.ts): imports one bundle and invokes its
// handler. Plain JS run by node itself, so nothing but the bundle is loaded.
//   node child.mjs cold   <bundle> <event.json|->  -> {importMs, invokeMs, cpuMs, status}
//   node child.mjs memory <bundle> <event.json> <n>  -> RSS per request, summarised
import { readFileSync } from 'node:fs';

const [mode, bundle, eventFile, count] = process.argv.slice(2);
const event = eventFile && eventFile !== '-' ? JSON.parse(readFileSync(eventFile, 'utf8')) : undefined;
const context = (id) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 10_000 });

// CPU time beside wall time: on a loaded machine wall time is mostly waiting for a core.
const cpuStarted = process.cpuUsage();
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
if (mode === 'cold') {
  let status = null;
  if (event) status = (await handler(event, context('cold')))?.statusCode ?? null;
  const done = performance.now();
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ importMs: imported - started, invokeMs: done - imported, cpuMs, status }));
} else if (mode === 'memory') {
  const n = Number(count);
  const rss = new Float64Array(n);
  let peak = 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    event.requestContext.requestId = `mem-${i}`;
    const res = await handler(event, context(`mem-${i}`));
    if (res?.statusCode !== 200) bad++;
    rss[i] = process.memoryUsage.rss();
    if (rss[i] > peak) peak = rss[i];
  }
  const slice = (from, to) => {
    const part = Array.from(rss.subarray(from, to)).sort((a, b) => a - b);
    return { min: part[0], median: part[Math.floor(part.length / 2)], max: part[part.length - 1] };
  };
  const k = Math.min(1000, n);
  console.log(JSON.stringify({ n, bad, peak, first: slice(0, k), last: slice(n - k, n) }));
}
