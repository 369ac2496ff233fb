/**
 * `npm run bench`: what a cold start costs. Bundles every Lambda entry the way CDK does (esbuild,
 * ESM, minified, AWS SDK inside), then for each bundle measures its size and the time a fresh
 * Node 22 process takes to import it (median of 5), and the warm latency of GET /me through the
 * real handler against DynamoDB Local. Exits non-zero when a budget is exceeded.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { routes } from '../../functions/api/routes';

const budgets = { bundleKb: 1500, coldImportMs: 400, warmP95Ms: 50 };
const outDir = resolve('.tmp', 'bench');
mkdirSync(outDir, { recursive: true });

// Lambda entries: every handler module of the route table and every job module exporting a handler.
const entries = [
  ...new Set(routes.map((r) => join('functions', 'http', `${r.module}.ts`))),
  ...readdirSync('functions/jobs')
    .map((f) => join('functions', 'jobs', f))
    .filter((f) => /export (const|async function) handler\b/.test(readFileSync(f, 'utf8'))),
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function coldImportMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const runs = Array.from({ length: 5 }, () => {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TABLE_NAME: 'bench', STAGE: 'local' },
    });
    if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr}`);
    return Number(out.stdout.trim());
  });
  return median(runs);
}

const failures: string[] = [];
const rows: string[][] = [];
for (const entry of entries) {
  const name = entry.replace(/^functions\//, '').replace(/\.ts$/, '');
  const outfile = join(outDir, `${name.replace('/', '-')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    // As the CDK bundling does (infra/stacks/constructs/app-function.ts): ESM builds shake better.
    mainFields: ['module', 'main'],
    sourcemap: true,
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const kb = statSync(outfile).size / 1024;
  const ms = coldImportMs(outfile);
  rows.push([name, `${kb.toFixed(0)} KB`, `${ms.toFixed(0)} ms`]);
  if (kb > budgets.bundleKb) failures.push(`${name}: bundle ${kb.toFixed(0)} KB > ${budgets.bundleKb} KB`);
  if (ms > budgets.coldImportMs)
    failures.push(`${name}: cold import ${ms.toFixed(0)} ms > ${budgets.coldImportMs} ms`);
}

console.log(`\nLambda bundles (esbuild ESM minified, Node ${process.versions.node})`);
console.log(`${'entry'.padEnd(28)}${'size'.padStart(10)}${'cold import'.padStart(14)}`);
for (const [name, size, ms] of rows)
  console.log(`${name!.padEnd(28)}${size!.padStart(10)}${ms!.padStart(14)}`);

const warm = spawnSync(process.execPath, ['node_modules/.bin/tsx', 'tests/bench/warm.ts'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (warm.status !== 0) failures.push('warm benchmark failed');
const result = JSON.parse(warm.stdout.trim().split('\n').pop() ?? '{}') as {
  p50: number;
  p95: number;
  n: number;
};
console.log(
  `\nGET /me warm, in-process handler + DynamoDB Local: n=${result.n} p50=${result.p50.toFixed(1)} ms p95=${result.p95.toFixed(1)} ms`,
);
if (result.p95 > budgets.warmP95Ms)
  failures.push(`GET /me warm p95 ${result.p95.toFixed(1)} ms > ${budgets.warmP95Ms} ms`);

console.log(
  `\nBudgets: bundle <= ${budgets.bundleKb} KB, cold import <= ${budgets.coldImportMs} ms, warm p95 <= ${budgets.warmP95Ms} ms`,
);
if (failures.length) {
  console.error(`Over budget:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('All within budget.');
