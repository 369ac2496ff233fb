/** Bad context stops synth with one line naming the value; good context becomes the deploy config. */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextError, parseConfig } from '../../infra/config';
import { projectRoot } from '../../infra/stacks/paths';

const parse = (context: Record<string, unknown>) => parseConfig((key) => context[key]);

/** Runs the CDK app the way the CLI does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function runApp(context: Record<string, unknown>) {
  return spawnSync(join(projectRoot, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_OUTDIR: join(tmpdir(), 'cdk-config-test-unused'),
    },
  });
}

describe('synth with bad context', () => {
  it('fails with exactly one line naming a missing required value', () => {
    const result = runApp({});
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Missing required context value stage (pass -c stage=<name>, e.g. -c stage=dev).',
    ]);
  });

  it('refuses a stage that is not lowercase letters and digits, in one line', () => {
    const result = runApp({ stage: 'Prod-1' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Context value stage must be lowercase letters and digits only, got "Prod-1".',
    ]);
  });

  it('refuses the local stage, in one line', () => {
    const result = runApp({ stage: 'local' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "Context value stage must not be local: that stage is npm start's and trusts dev tokens.",
    ]);
  });

  it('refuses a stage that keeps its data without a site origin, in one line', () => {
    const result = runApp({ stage: 'prod' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Missing required context value webOrigin (stage prod is not disposable: pass -c domainName=… -c certificateArn=…, or -c webOrigin=<its SiteUrl>).',
    ]);
  });
});

describe('parseConfig', () => {
  it('accepts a bare stage and leaves every integration off', () => {
    expect(parse({ stage: 'dev' })).toMatchObject({
      stage: 'dev',
      isDev: true,
      namePrefix: 'acp-dev',
      secretsPrefix: 'agent-control-plane/dev',
      propelAuth: undefined,
      google: undefined,
      livekit: undefined,
      domain: undefined,
      webOrigin: undefined,
    });
    expect(parse({ stage: 'test' }).isDev).toBe(true);
    expect(parse({ stage: 'prod2', webOrigin: 'https://d111.cloudfront.net' }).isDev).toBe(false);
  });

  it.each(['', 'Prod', 'my-stage', 'stage_1', 'ünï'])('refuses stage %j', (stage) => {
    expect(() => parse({ stage })).toThrow(ContextError);
  });

  it('names the missing half of a pair', () => {
    expect(() => parse({ stage: 'dev', googleClientId: 'id' })).toThrow(
      'Missing required context value googleClientSecretName (needed because googleClientId is set).',
    );
    expect(() => parse({ stage: 'dev', propelAuthAudience: 'aud' })).toThrow(/propelAuthIssuer/);
    expect(() => parse({ stage: 'dev', livekitUrl: 'wss://x.livekit.cloud' })).toThrow(/livekitSecretName/);
    expect(() => parse({ stage: 'dev', domainName: 'admin.example.com' })).toThrow(/certificateArn/);
  });

  it('keeps secret names under the stage prefix, so functions can read them', () => {
    expect(() =>
      parse({ stage: 'dev', googleClientId: 'id', googleClientSecretName: 'other/google' }),
    ).toThrow(
      'Context value googleClientSecretName must start with agent-control-plane/dev/, got "other/google".',
    );
  });

  it('takes originSecretVersion only as a Secrets Manager VersionId', () => {
    const versionId = '3f1c2a4e-8b7d-4c6e-9a0b-1d2e3f4a5b6c';
    expect(parse({ stage: 'dev', originSecretVersion: versionId }).originSecretVersion).toBe(versionId);
    expect(parse({ stage: 'dev' }).originSecretVersion).toBeUndefined();
    expect(() => parse({ stage: 'dev', originSecretVersion: 'AWSCURRENT:}}' })).toThrow(
      'Context value originSecretVersion must be a Secrets Manager VersionId, got "AWSCURRENT:}}".',
    );
  });

  it('needs the site origin outside disposable stages: from the custom domain or webOrigin', () => {
    expect(() => parse({ stage: 'prod' })).toThrow(/Missing required context value webOrigin/);
    expect(parse({ stage: 'dev' }).webOrigin).toBeUndefined();
  });

  it('keeps the Google client secret out of the token secrets, which some functions may write', () => {
    expect(() =>
      parse({
        stage: 'dev',
        googleClientId: 'id',
        googleClientSecretName: 'agent-control-plane/dev/google-calendar/client',
      }),
    ).toThrow(
      'Context value googleClientSecretName must not be under agent-control-plane/dev/google-calendar/ (token secrets).',
    );
  });

  it('checks URLs, the certificate region and email addresses', () => {
    expect(() =>
      parse({ stage: 'dev', propelAuthIssuer: 'http://auth.example.com', propelAuthAudience: 'a' }),
    ).toThrow(/must use https:/);
    expect(() =>
      parse({
        stage: 'dev',
        domainName: 'admin.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      }),
    ).toThrow(/us-east-1/);
    expect(() => parse({ stage: 'dev', alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
  });

  it('derives the site origin from the custom domain', () => {
    const config = parse({
      stage: 'prod',
      domainName: 'Admin.Example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    expect(config.webOrigin).toBe('https://admin.example.com');
    expect(parse({ stage: 'prod', webOrigin: 'https://d111.cloudfront.net/' }).webOrigin).toBe(
      'https://d111.cloudfront.net',
    );
  });
});
