/**
 * Builds the whole CDK app in memory once per test file. Bundling is skipped (CDK's own
 * `aws:cdk:bundling-stacks` context set to none), so tests check the templates without running
 * esbuild for every Lambda; `npm run synth` bundles for real.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { routes } from '../../functions/api/routes';
import { parseConfig } from '../../infra/config';
import { defineControlPlane } from '../../infra/stacks/control-plane';

export const testContext = {
  stage: 'test',
  googleClientId: 'client-id.apps.googleusercontent.com',
  googleClientSecretName: 'agent-control-plane/test/google-client',
  alarmEmail: 'ops@example.com',
  mailFrom: 'noreply@example.com',
};

export function synthApp(context: Record<string, unknown> = testContext) {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = parseConfig((key) => app.node.tryGetContext(key));
  const plane = defineControlPlane(app, config, routes, { nag: false });
  const template = (stack: { templateFile: string } & object) => Template.fromStack(stack as never);
  return { app, config, plane, template };
}
