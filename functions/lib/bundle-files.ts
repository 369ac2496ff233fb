/**
 * Files a function's package carries beside its bundle (AppFunction's `files`: data read at run
 * time, which every cold start would otherwise parse). Code splitting may put the module that
 * reads one in `chunks/` (infra/stacks/constructs/lambda-bundle.ts), one level below the entry, so
 * both places are looked at. Unbundled (local stack, tests) there is no such file: undefined.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fileBesideBundle(name: string, moduleUrl: string): string | undefined {
  return [`./${name}`, `../${name}`]
    .map((relative) => fileURLToPath(new URL(relative, moduleUrl)))
    .find((path) => existsSync(path));
}
