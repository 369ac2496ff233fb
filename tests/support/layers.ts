/**
 * The import order of functions/ (README, "Layers"), as data and a checker. A layer may import
 * the layers listed for it and nothing else; lib/problem (HTTP problem details) belongs to the
 * request pipeline alone, so rules and stores say "no" in the refusal vocabulary instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export const layers = {
  lib: [],
  api: ['lib'],
  domain: ['api', 'lib'],
  adapters: ['domain', 'api', 'lib'],
  data: ['adapters', 'domain', 'api', 'lib'],
  jobs: ['data', 'adapters', 'domain', 'api', 'lib'],
  http: ['http', 'jobs', 'data', 'adapters', 'domain', 'api', 'lib'],
} as const satisfies Record<string, readonly string[]>;
type Layer = keyof typeof layers;

/** Modules only the request pipeline may use, whatever the layer order says. */
const httpOnly = new Set(['lib/problem']);

export interface Violation {
  file: string;
  imports: string;
  reason: string;
}

function layerOf(modulePath: string): Layer | undefined {
  const top = modulePath.split('/')[0];
  return top && top in layers ? (top as Layer) : undefined;
}

const importSpecifier = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Violations in one module, given its path relative to functions/ and its source. */
export function violationsIn(file: string, source: string): Violation[] {
  const from = layerOf(file);
  if (!from) return [];
  const found: Violation[] = [];
  for (const [, specifier] of source.matchAll(importSpecifier)) {
    const target = normalize(join(dirname(file), specifier!)).replace(/\.tsx?$/, '');
    const to = layerOf(target);
    if (!to) continue;
    if (httpOnly.has(target) && from !== 'http') {
      found.push({ file, imports: target, reason: `${target} is for the request pipeline only` });
    } else if (to !== from && !(layers[from] as readonly string[]).includes(to)) {
      found.push({ file, imports: target, reason: `${from} may not import ${to}` });
    }
  }
  return found;
}

export function violationsInTree(root: string): Violation[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  return walk(root).flatMap((path) => violationsIn(relative(root, path), readFileSync(path, 'utf8')));
}
