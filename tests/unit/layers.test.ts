import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { violationsIn, violationsInTree } from '../support/layers';

describe('layers of functions/', () => {
  it('import only downwards: lib <- api <- domain <- adapters <- data <- jobs <- http', () => {
    expect(violationsInTree(resolve(import.meta.dirname, '../../functions'))).toEqual([]);
  });

  it('catch an import against the order', () => {
    expect(violationsIn('domain/orgs.ts', "import { getOrg } from '../data/orgs';")).toEqual([
      { file: 'domain/orgs.ts', imports: 'data/orgs', reason: 'domain may not import data' },
    ]);
    expect(violationsIn('lib/config.ts', "import type { Route } from '../api/route';")).toHaveLength(1);
    expect(violationsIn('adapters/x.ts', "export { ddb } from '../data/client';")).toHaveLength(1);
  });

  it('keep HTTP problems out of rules and stores', () => {
    expect(violationsIn('data/cursor.ts', "import { problems } from '../lib/problem';")).toEqual([
      {
        file: 'data/cursor.ts',
        imports: 'lib/problem',
        reason: 'lib/problem is for the request pipeline only',
      },
    ]);
    expect(violationsIn('http/pipeline/handler.ts', "import { problems } from '../../lib/problem';")).toEqual(
      [],
    );
  });
});
