/**
 * What esbuild actually produces for a Lambda (the other infra tests skip bundling): a minified
 * ESM entry with a source map, the AWS SDK inside, a require() shim for the CommonJS parts, and
 * chunks for what handlers load on first use; data files shipped beside the bundle. Bundles only the Sync stack's two functions and the
 * knowledge handler to stay fast.
 */

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi';
import { routes } from '../../functions/api/routes';
import { getOpenApi } from '../../functions/api/routes/openapi';
import { buildEvent } from '../../infra/local/gateway';
import { logicalIdOf } from '../../infra/stacks/nag';
import { buildApp, removeOutputs } from './synth';

let bundle: string;
let dir: string;
const chunks = () => readdirSync(join(dir, 'chunks')).filter((f) => f.endsWith('.mjs'));

beforeAll(() => {
  const { app, plane } = buildApp(undefined, undefined, ['Sync']);
  const template = Template.fromStack(plane.sync);
  const fn = template.findResources('AWS::Lambda::Function')[logicalIdOf(plane.sync.dispatcher.function)]!;
  dir = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
}, 60_000);
afterAll(removeOutputs);

describe('Lambda bundle', () => {
  it('is a minified ES module with a source map', () => {
    expect(statSync(join(dir, 'index.mjs.map')).size).toBeGreaterThan(0);
    expect(bundle).toMatch(/\bexport\s*\{[^}]*\bhandler\b/);
    // Minified: lines run to thousands of characters (only template literals keep their breaks).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2000);
  });

  it('carries the AWS SDK inside instead of importing it from the runtime', () => {
    const everything = [bundle, ...chunks().map((c) => readFileSync(join(dir, 'chunks', c), 'utf8'))].join(
      '',
    );
    expect(everything).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(everything).toContain('SendMessageBatch');
  });

  it('keeps the SQS client the dispatcher sends with in a chunk of its own, loaded on first use', () => {
    // The client's own code (its shape ids), not the names the entry destructures from the chunk.
    const sqsCode = 'com.amazonaws.sqs#';
    expect(bundle).not.toContain(sqsCode);
    const sqs = chunks().filter((c) => readFileSync(join(dir, 'chunks', c), 'utf8').includes(sqsCode));
    expect(sqs).toHaveLength(1);
    // Reached through import(), never through a static import the entry's load would follow.
    expect(bundle).toMatch(
      new RegExp(`import\\(\\s*["']\\./chunks/${sqs[0]!.replace('.', '\\.')}["']\\s*\\)`),
    );
    expect(bundle).not.toMatch(new RegExp(`from\\s*["']\\./chunks/${sqs[0]!.replace('.', '\\.')}["']`));
  });

  it('starts each file with the require() shim bundled CommonJS code relies on', () => {
    for (const code of [bundle, ...chunks().map((c) => readFileSync(join(dir, 'chunks', c), 'utf8'))]) {
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    }
  });
});

describe('files beside the bundle', () => {
  it('ships the knowledge search thesaurus as a file of the package, not inside the bundle, and no local embedder at all', () => {
    const knowledgeRoutes = routes.filter((r) => r.module === 'knowledge');
    const { app, plane } = buildApp(undefined, knowledgeRoutes, ['Api']);
    const template = Template.fromStack(plane.api);
    const id = logicalIdOf(plane.api.functions.get('knowledge')!.function);
    const fn = template.findResources('AWS::Lambda::Function')[id]!;
    const asset = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    // Where functions/adapters/thesaurus.ts looks: beside the bundle's own file.
    const file = join(asset, 'thesaurus.cjs');
    expect(existsSync(file)).toBe(true);
    const dictionary = createRequire(file)(file) as Record<string, Record<string, string[]>>;
    expect(dictionary.annually?.r).toContain('yearly');
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).not.toContain('oleaginousness');

    // The local embedder (wink-nlp and its ~300 MB of word vectors) is the stand-in's, never the
    // Lambda's: nothing of it in any file shipped. Titan is reached through the Bedrock client,
    // in a chunk of its own loaded with the first embedding.
    const shipped = readdirSync(asset, { recursive: true, encoding: 'utf8' })
      .map((f) => join(asset, f))
      .filter((f) => statSync(f).isFile());
    for (const file of shipped)
      expect(readFileSync(file, 'utf8')).not.toMatch(/winkNLP|wink-embeddings|wink-eng-lite/);
    expect(shipped.reduce((sum, f) => sum + statSync(f).size, 0)).toBeLessThan(8 * 1024 * 1024);
    // The client's own code (its shape ids), not the names the entry reads from the chunk.
    const bedrockCode = 'com.amazonaws.bedrockruntime#';
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).not.toContain(bedrockCode);
    expect(shipped.some((f) => f.includes('chunks') && readFileSync(f, 'utf8').includes(bedrockCode))).toBe(
      true,
    );
  }, 60_000);

  it('ships the OpenAPI document built when bundling, which the bundled handler serves as is', async () => {
    const openApiRoutes = routes.filter((r) => r.module === 'openapi');
    const { app, plane } = buildApp(undefined, openApiRoutes, ['Api']);
    const template = Template.fromStack(plane.api);
    const id = logicalIdOf(plane.api.functions.get('openapi')!.function);
    const fn = template.findResources('AWS::Lambda::Function')[id]!;
    const asset = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const shipped = JSON.parse(readFileSync(join(asset, 'openapi.json'), 'utf8'));
    // The whole table's document, not only the routes this test's stack was given.
    expect(shipped).toEqual(JSON.parse(JSON.stringify(openApiDocument(routes))));
    // The bundle neither builds it (no JSON Schema conversion at a cold start) nor holds it.
    const entry = readFileSync(join(asset, 'index.mjs'), 'utf8');
    expect(entry).not.toContain('toJSONSchema');
    // Served from the file: a marker written into it comes back from the bundled handler.
    writeFileSync(
      join(asset, 'openapi.json'),
      JSON.stringify({ ...shipped, info: { title: 'from the file', version: '1' } }),
    );
    const { handler } = (await import(join(asset, 'index.mjs'))) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const res = await handler(
      buildEvent({ method: 'GET', path: '/openapi.json', headers: {} }, getOpenApi, {}),
      { awsRequestId: 'bundled-openapi' },
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).info.title).toBe('from the file');
  }, 60_000);
});
