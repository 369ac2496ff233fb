/**
 * How every Lambda is bundled, in one place: the AppFunction construct builds with it and
 * `npm run bench` measures what it builds. esbuild, ESM, minified, Node 22, the AWS SDK inside
 * (tree-shaken from packages' ESM builds), and code splitting: what a handler imports with
 * `import()` (functions/lib/lazy.ts) becomes a chunk of its own under chunks/, read from disk only
 * when first used, so a client a route group rarely needs costs its cold start nothing.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { projectRoot } from '../paths';

// Some bundled CommonJS dependencies call require(); ESM output has none unless we provide it.
export const requireShim =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Options that bundle `entry` (a path) into `outdir`/index.mjs plus its chunks. */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Prefer packages' ESM builds so esbuild can drop the unused parts of the SDK clients.
    mainFields: ['module', 'main'],
    minify: true,
    // No --enable-source-maps at run time: it made cold imports ~50% slower (npm run bench), and
    // logs carry error names and messages, not stacks. The .map files ship for decoding by hand.
    sourcemap: true,
    sourcesContent: false,
    banner: { js: requireShim },
    logLevel: 'error',
  };
}

/**
 * The output files a cold start reads: the entry and, transitively, the chunks it imports
 * statically (`import` statements); chunks reached only through `import()` load on first use.
 */
export function coldStartOutputs(meta: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of meta.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entryOutput);
  return [...seen];
}

/**
 * A file shipped beside the bundle instead of inside it: data a handler reads at run time, which
 * every cold start would otherwise parse. `source` is a module path, resolved from the project;
 * `contents` is made when the function is bundled (what the code alone decides, such as the
 * OpenAPI document), so only bundling pays for it.
 */
export type FileBeside = { name: string; source: string } | { name: string; contents: () => string };

const projectRequire = createRequire(`${projectRoot}/package.json`);

export function writeFilesBeside(files: readonly FileBeside[], outdir: string): void {
  for (const file of files) {
    const to = join(outdir, file.name);
    if ('contents' in file) writeFileSync(to, file.contents());
    else copyFileSync(projectRequire.resolve(file.source), to);
  }
}
