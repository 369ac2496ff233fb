/**
 * The voice worker's stack: an arm64 Fargate service built from worker/Dockerfile (an asset that
 * synth stages without Docker), outbound only, its secrets from Secrets Manager, autoscaling on CPU and
 * on its own call load, scale-in protection, a health check on its port, and no stack at all without
 * LiveKit or without Cognito's runtime client.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { callsPerTask, workerHealthPort } from '../../infra/stacks/voice-worker-stack';
import { loadMetricName, loadMetricNamespace } from '../../worker/src/load-metric';
import { buildApp, fullContext, removeOutputs } from './synth';

const built = buildApp();
const stack = built.plane.voiceWorker!;
const template = Template.fromStack(stack);
afterAll(removeOutputs);

const container = () =>
  Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions[0];

describe('voice worker stack', () => {
  it('runs on Fargate arm64 from an image asset of worker/Dockerfile, staged without node_modules', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    const assembly = built.app.synth();
    const manifest = JSON.parse(
      readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
    );
    const images = Object.values(manifest.dockerImages) as {
      source: { directory: string; dockerFile: string; platform: string };
    }[];
    expect(images).toHaveLength(1);
    expect(images[0]!.source).toMatchObject({ dockerFile: 'worker/Dockerfile', platform: 'linux/arm64' });
    const staged = join(assembly.directory, images[0]!.source.directory);
    expect(existsSync(join(staged, 'worker', 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(staged, 'node_modules'))).toBe(false);
    expect(existsSync(join(staged, 'functions'))).toBe(false);
  });

  it('dials out only: public subnets without NAT, a security group without ingress, a public address', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100 }),
    });
  });

  it('takes the LiveKit key and the runtime client secret from Secrets Manager, never from plain environment', () => {
    const c = container();
    const secrets = Object.fromEntries(
      (c.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [s.Name, JSON.stringify(s.ValueFrom)]),
    );
    expect(Object.keys(secrets).sort()).toEqual([
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'RUNTIME_CLIENT_SECRET',
    ]);
    expect(secrets.LIVEKIT_API_KEY).toContain(`${fullContext.livekitSecretName}:apiKey::`);
    expect(secrets.RUNTIME_CLIENT_SECRET).toContain('RuntimeClientSecret');
    const env = Object.fromEntries(
      (c.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(env.LIVEKIT_URL).toBe(fullContext.livekitUrl);
    expect(env.MAX_CONCURRENT_CALLS).toBe(String(callsPerTask));
    expect(Object.keys(env).some((k) => /SECRET|KEY/.test(k))).toBe(false);
    // The secret is a copy of the runtime client's, made by the auth stack.
    Template.fromStack(built.plane.auth!).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'agent-control-plane/test/runtime-client',
    });
  });

  it('checks health on the worker port and gives a stopping task the longest Fargate allows', () => {
    const c = container();
    expect(c.HealthCheck.Command.join(' ')).toContain(`http://127.0.0.1:${workerHealthPort}/`);
    expect(c.StopTimeout).toBe(120);
  });

  it('scales on CPU and on the worker’s own call load, and lets tasks protect themselves from scale-in', () => {
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map(
      (p) => p.Properties.TargetTrackingScalingPolicyConfiguration,
    );
    expect(policies).toHaveLength(2);
    expect(
      policies.some(
        (p) => p.PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization',
      ),
    ).toBe(true);
    expect(
      policies.some(
        (p) =>
          p.CustomizedMetricSpecification?.Namespace === loadMetricNamespace &&
          p.CustomizedMetricSpecification?.MetricName === loadMetricName,
      ),
    ).toBe(true);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'] }),
        ]),
      },
    });
  });

  it('is not built without LiveKit, nor with PropelAuth (no runtime client)', () => {
    const { livekitUrl: _u, livekitSecretName: _s, ...noLivekit } = fullContext;
    expect(buildApp(noLivekit).plane.voiceWorker).toBeUndefined();
    const propel = buildApp({
      ...fullContext,
      propelAuthIssuer: 'https://auth.example.com',
      propelAuthAudience: 'acp-api',
    });
    expect(propel.plane.voiceWorker).toBeUndefined();
  });

  it('leaves cdk-nag nothing unacknowledged', () => {
    const findings = new AwsSolutionsChecks(built.app)
      .validateScope(stack)
      .violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
    expect(findings).toEqual([]);
  });
});
