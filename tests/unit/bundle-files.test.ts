import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileBesideBundle } from '../../functions/lib/bundle-files';
import { tempDir } from '../support/temp-dir';

describe('a file shipped beside the bundle', () => {
  const dir = tempDir('acp-bundle-files-');
  mkdirSync(join(dir, 'chunks'));
  writeFileSync(join(dir, 'data.json'), '{}');

  it('is found from the entry and from a chunk one level below it', () => {
    expect(fileBesideBundle('data.json', pathToFileURL(join(dir, 'index.mjs')).href)).toBe(
      join(dir, 'data.json'),
    );
    expect(fileBesideBundle('data.json', pathToFileURL(join(dir, 'chunks', 'chunk-X.mjs')).href)).toBe(
      join(dir, 'data.json'),
    );
  });

  it('is undefined where nothing was shipped (unbundled code)', () => {
    expect(
      fileBesideBundle('other.json', pathToFileURL(join(dir, 'chunks', 'chunk-X.mjs')).href),
    ).toBeUndefined();
  });
});
