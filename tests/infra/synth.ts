/**
 * Builds the whole CDK app in memory with cdk.json's feature flags, once per test file. Bundling
 * is skipped (CDK's own `aws:cdk:bundling-stacks` context set to none), so the tests read the
 * templates without running esbuild for every Lambda; `npm run synth` bundles for real.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { RouteSpec } from '../../functions/api/route';
import { routes as routeTable } from '../../functions/api/routes';
import { parseConfig } from '../../infra/config';
import { defineControlPlane } from '../../infra/stacks/control-plane';
import { projectRoot } from '../../infra/stacks/paths';

const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Every optional integration switched on, so every permission and resource is exercised. */
export const fullContext = {
  stage: 'test',
  googleClientId: 'client-id.apps.googleusercontent.com',
  googleClientSecretName: 'agent-control-plane/test/google-client',
  livekitUrl: 'wss://example.livekit.cloud',
  livekitSecretName: 'agent-control-plane/test/livekit',
  alarmEmail: 'ops@example.com',
  mailFrom: 'noreply@example.com',
};

const outdirs: string[] = [];

/** Deletes the cloud assemblies this test file wrote (call from afterAll). */
export function removeOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function buildApp(
  context: Record<string, unknown> = fullContext,
  routes: readonly RouteSpec[] = routeTable,
  /** Stack paths whose Lambdas esbuild bundles; none by default. */
  bundleStacks: string[] = [],
  siteDir?: string,
) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  outdirs.push(outdir);
  const app = new App({
    outdir,
    context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': bundleStacks },
  });
  const config = parseConfig((key) => app.node.tryGetContext(key));
  const plane = defineControlPlane(app, config, routes, { nag: false, siteDir });
  return { app, config, plane };
}

/** Synthesizes every stack of the app once; templates are looked up by stack. */
export function synthesize(context?: Record<string, unknown>) {
  const built = buildApp(context);
  const cache = new Map<Stack, Template>();
  const template = (stack: Stack) => {
    if (!cache.has(stack)) cache.set(stack, Template.fromStack(stack));
    return cache.get(stack)!;
  };
  return { ...built, template };
}
