/**
 * Every function's role allows the DynamoDB calls its code can make, and no other: read from the
 * code, not from a list kept beside it. Each function's entry is bundled by esbuild (tree-shaken,
 * packages left out), and the bundle is searched for the DynamoDB commands it constructs
 * (`new GetCommand(…)` and the rest, as imported from the SDK) and, when it writes transactions,
 * the kinds of transaction items it builds (`Put: {`, `Update: {`, …), since IAM authorizes
 * TransactWriteItems per item. What that finds must be granted in the synthesized role, and what
 * the role grants on the table must be found. So a store call added to a module its function
 * reaches, or a grant that outlives its call, fails here, as the live authorizer's BatchGetItem
 * (its membership read) did.
 *
 * Tree-shaking works on whole declarations, so a store object's methods all come along with one of
 * them (functions reading a profile import `getUser`, not the store). The request pipeline is the
 * one place the calls depend on the route: its authorization loads what the route's kind needs
 * (below), so handler modules are bundled without it and given its calls for their routes' kinds.
 */
import { resolve } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import { AppFunction } from '../../infra/stacks/constructs/app-function';
import { logicalIdOf } from '../../infra/stacks/nag';
import { projectRoot } from '../../infra/stacks/paths';
import { removeOutputs, synthesize } from './synth';

/** The IAM action of each DynamoDB command class (lib-dynamodb's and the client's own names). */
const commandActions: Record<string, string | null> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  // Authorized per item: GetItem for each read.
  TransactGetCommand: 'dynamodb:GetItem',
  TransactGetItemsCommand: 'dynamodb:GetItem',
  // Authorized per item, by the kinds of items the code builds (transactionItemActions).
  TransactWriteCommand: null,
  TransactWriteItemsCommand: null,
};

const transactionItemActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** What the pipeline's authorization calls for a route of each kind (functions/http/pipeline/handler.ts). */
const pipelineCalls: Record<RouteSpec['auth']['kind'], string[]> = {
  public: [],
  // A runtime token is checked for its scope and client, nothing is read.
  runtime: [],
  // The caller's profile, created on first call and replaced when their verified email moves.
  user: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // The caller, and their platform role (GetItem).
  platform: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  // The caller, their membership with the org's status (BatchGetItem); an API client's grant and
  // the org's status (GetItem).
  org: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
};

const pipelineModule = resolve(projectRoot, 'functions/http/pipeline/handler.ts');

/** Leaves the request pipeline out of a handler module's bundle; its calls are counted per route kind. */
const withoutPipeline: Plugin = {
  name: 'without-pipeline',
  setup(b) {
    b.onResolve({ filter: /pipeline\/handler$/ }, (args) =>
      resolve(args.resolveDir, `${args.path}.ts`) === pipelineModule
        ? { path: args.path, external: true }
        : null,
    );
  },
};

/** The DynamoDB actions a module's code can perform, from its tree-shaken bundle. */
async function tableCallsOf(entry: string, plugins: Plugin[] = []): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(projectRoot, entry)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    treeShaking: true,
    logLevel: 'silent',
    plugins,
  });
  const code = result.outputFiles[0]!.text;
  const actions = new Set<string>();
  let transactions = false;
  for (const [, specifiers] of code.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/(?:lib|client)-dynamodb"/g,
  )) {
    for (const specifier of specifiers!.split(',')) {
      const [imported, local = imported] = specifier.trim().split(/\s+as\s+/) as [string, string?];
      if (!imported?.endsWith('Command')) continue;
      if (!new RegExp(`new ${local}\\(`).test(code)) continue;
      expect(commandActions, `${entry}: ${imported} has no IAM action here yet`).toHaveProperty(imported);
      const action = commandActions[imported];
      if (action) actions.add(action);
      else transactions = true;
    }
  }
  if (transactions) {
    for (const [, kind] of code.matchAll(/\b(Put|Update|Delete|ConditionCheck):\s*\{/g)) {
      actions.add(transactionItemActions[kind!]!);
    }
  }
  return [...actions].sort();
}

let s: ReturnType<typeof synthesize>;
beforeAll(() => {
  s = synthesize();
});
afterAll(removeOutputs);

type Statement = { Action: string | string[] };

/** What a function's role allows on the table (stream reads, granted by its event source, aside). */
function grantedTableActions(template: Template, fn: AppFunction): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalIdOf(fn.role) }] },
  });
  const actions = Object.values(policies)
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .flatMap((statement) => [statement.Action].flat())
    .filter((action) => action.startsWith('dynamodb:') && !/Stream|ShardIterator|GetRecords/.test(action));
  return [...new Set(actions)].sort();
}

/** Every function of the stage, with the calls its code can make. */
async function everyFunction() {
  const plane: Stack[] = Object.values(s.plane).filter((stack) => stack !== undefined);
  const found = plane.flatMap((stack) =>
    stack.node
      .findAll()
      .filter((c: IConstruct): c is AppFunction => c instanceof AppFunction)
      .map((fn) => ({ fn, template: s.template(stack) })),
  );
  return Promise.all(
    found.map(async ({ fn, template }) => {
      const served = routes.filter((r) => `functions/http/${r.module}.ts` === fn.entry);
      const calls =
        served.length > 0
          ? [
              ...(await tableCallsOf(fn.entry, [withoutPipeline])),
              ...served.flatMap((r) => pipelineCalls[r.auth.kind]),
            ]
          : await tableCallsOf(fn.entry);
      return {
        name: fn.entry.replace(/^functions\/|\.ts$/g, ''),
        calls: [...new Set(calls)].sort(),
        granted: grantedTableActions(template, fn),
      };
    }),
  );
}

describe('table access', () => {
  it('counts the pipeline’s calls by route kind, and they are all the calls its code makes', async () => {
    const all = [...new Set(Object.values(pipelineCalls).flat())].sort();
    expect(await tableCallsOf('functions/http/pipeline/handler.ts')).toEqual(all);
  });

  it('finds calls through the store modules a function reaches (and finds transaction items)', async () => {
    // The sync dispatcher queries the due shard and leases each connection (UpdateItem).
    expect(await tableCallsOf('functions/jobs/sync-dispatcher.ts')).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    // A task's transaction: item, counter, checks on what it names, audit entry.
    expect(await tableCallsOf('functions/http/tasks.ts', [withoutPipeline])).toEqual(
      expect.arrayContaining(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
  });

  it('grants every function each DynamoDB call its code can make, and nothing it cannot', async () => {
    const functions = await everyFunction();
    expect(functions.length).toBeGreaterThan(20);
    const mismatches = functions.flatMap(({ name, calls, granted }) => {
      const missing = calls.filter((c) => !granted.includes(c));
      const unused = granted.filter((g) => !calls.includes(g));
      return missing.length + unused.length > 0 ? [{ name, missing, unused }] : [];
    });
    expect(mismatches).toEqual([]);
  });
});
