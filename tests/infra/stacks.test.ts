/**
 * The data, auth, sync, web and observability stacks do what the design says, and cdk-nag's
 * AwsSolutions pack finds nothing unacknowledged in any configuration.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../functions/data/table-definition';
import { logicalIdOf } from '../../infra/stacks/nag';
import { buildApp, removeOutputs, synthesize } from './synth';

let s: ReturnType<typeof synthesize>;
let data: Template;
let sync: Template;
let web: Template;
/** A retained Cognito stage behind a custom domain: its site origin is known at synth. */
let cognitoProd: ReturnType<typeof buildApp>;

beforeAll(() => {
  s = synthesize();
  data = s.template(s.plane.data);
  sync = s.template(s.plane.sync);
  web = s.template(s.plane.web);
  cognitoProd = buildApp({
    stage: 'prod',
    domainName: 'admin.example.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
  });
});
afterAll(removeOutputs);

const only = (template: Template, type: string) => {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

describe('data', () => {
  it('builds the table from the shared definition', () => {
    const table = only(data, 'AWS::DynamoDB::Table').Properties;
    const { partitionKey, sortKey, globalSecondaryIndexes, ttlAttribute } = tableDefinition;
    expect(table.KeySchema).toEqual([
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = table.GlobalSecondaryIndexes.map(
      (g: { IndexName: string; KeySchema: { AttributeName: string }[]; Projection: unknown }) => ({
        indexName: g.IndexName,
        partitionKey: g.KeySchema[0]!.AttributeName,
        sortKey: g.KeySchema[1]!.AttributeName,
        projection: g.Projection,
      }),
    );
    expect(indexes).toEqual(
      globalSecondaryIndexes.map((g) => ({ ...g, projection: { ProjectionType: 'ALL' } })),
    );
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: ttlAttribute, Enabled: true });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('keeps table, key and secrets outside dev stages, and lets dev stages go', () => {
    const dev = only(data, 'AWS::DynamoDB::Table');
    expect(dev.DeletionPolicy).toBe('Delete');
    expect(dev.Properties.DeletionProtectionEnabled).toBe(false);

    const prod = buildApp({ stage: 'prod', webOrigin: 'https://d111.cloudfront.net' });
    const prodData = s.template(prod.plane.data);
    const table = only(prodData, 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(only(prodData, 'AWS::KMS::Key').DeletionPolicy).toBe('Retain');
    expect(only(prodData, 'AWS::SecretsManager::Secret').DeletionPolicy).toBe('Retain');
  });

  it('generates the signing key under the stage prefix, encrypted with the rotating stack key', () => {
    const key = Object.keys(data.findResources('AWS::KMS::Key'))[0]!;
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'agent-control-plane/test/signing-key',
      KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });
});

describe('auth', () => {
  const siteClient = (template: Template) => {
    const clients = template.findResources('AWS::Cognito::UserPoolClient', {
      Properties: { ClientName: Match.stringLikeRegexp('-web$') },
    });
    expect(Object.values(clients)).toHaveLength(1);
    return Object.values(clients)[0]!.Properties;
  };

  it("registers the admin site's public client for code + PKCE, back to the site origin", () => {
    const client = siteClient(s.template(cognitoProd.plane.auth!));
    expect(client).toMatchObject({
      ClientName: 'acp-prod-web',
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://admin.example.com/'],
      LogoutURLs: ['https://admin.example.com/'],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('leaves OAuth off on a disposable first deploy, whose site origin is not known yet', () => {
    const client = siteClient(s.template(s.plane.auth!));
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client).not.toHaveProperty('CallbackURLs');
    expect(client).not.toHaveProperty('AllowedOAuthFlows');
  });

  it('keeps exporting the pool id that Web stacks deployed before the client moved here import', () => {
    const outputs = s.template(s.plane.auth!).toJSON().Outputs;
    const pool = logicalIdOf(s.plane.auth!.userPool);
    expect(Object.values(outputs)).toContainEqual({
      Value: { Ref: pool },
      Export: { Name: `acp-test-auth:ExportsOutputRef${pool}A1309EA5` },
    });
  });
});

describe('sync', () => {
  it('schedules the dispatcher', () => {
    const schedule = only(sync, 'AWS::Scheduler::Schedule').Properties;
    expect(schedule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(schedule.Target.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(s.plane.sync.dispatcher.function), 'Arn'],
    });
  });

  it('feeds the worker from the queue with partial batch failures, a DLQ after 5 receives, capped concurrency', () => {
    const queue = logicalIdOf(s.plane.sync.queue);
    sync.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(s.plane.sync.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    sync.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: logicalIdOf(s.plane.sync.worker.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const worker = sync.findResources('AWS::Lambda::Function', {
      Properties: { ReservedConcurrentExecutions: Match.anyValue() },
    });
    expect(Object.keys(worker)).toEqual([logicalIdOf(s.plane.sync.worker.function)]);
  });

  it('gives the functions the queue URL to enqueue into', () => {
    const fns = Object.values(sync.findResources('AWS::Lambda::Function'));
    for (const fn of fns) {
      expect(fn.Properties.Environment.Variables.SYNC_QUEUE_URL).toEqual({
        Ref: logicalIdOf(s.plane.sync.queue),
      });
    }
  });
});

describe('web', () => {
  it('keeps the site bucket private and TLS-only', () => {
    const bucketId = logicalIdOf(s.plane.web.bucket);
    const bucket = web.findResources('AWS::S3::Bucket')[bucketId]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const policy = Object.values(web.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    )!.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Condition?: unknown }[];
    expect(policy).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The only Allow is CloudFront's service principal, for this distribution alone.
    for (const statement of policy.filter((p) => p.Effect === 'Allow')) {
      expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(statement.Condition)).toContain('AWS:SourceArn');
    }
  });

  it('serves the site through origin access control and /api/* from the HTTP API', () => {
    const distribution = only(web, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
    expect(
      distribution.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig).OriginAccessControlId,
    ).toBeDefined();
    const api = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    expect(api.AllowedMethods).toContain('POST');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.DefaultRootObject).toBe('index.html');
  });

  it('strips /api before the API sees a request, and falls back to index.html for SPA routes', () => {
    const distribution = only(web, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
    const codeById = web.findResources('AWS::CloudFront::Function');
    /** Runs the viewer-request function attached to a behavior, as CloudFront would. */
    const run = (
      behavior: { FunctionAssociations: { FunctionARN: { 'Fn::GetAtt': string[] } }[] },
      uri: string,
    ) => {
      const id = behavior.FunctionAssociations[0]!.FunctionARN['Fn::GetAtt'][0]!;
      const handler = new Function(`${codeById[id]!.Properties.FunctionCode}; return handler;`)();
      return handler({ request: { uri } }).uri as string;
    };
    const api = distribution.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    const site = distribution.DefaultCacheBehavior;
    expect(run(api, '/api/orgs/org_1/members')).toBe('/orgs/org_1/members');
    expect(run(api, '/api/')).toBe('/');
    expect(run(site, '/orgs/org_1/settings')).toBe('/index.html');
    expect(run(site, '/')).toBe('/index.html');
    expect(run(site, '/assets/index-abc.js')).toBe('/assets/index-abc.js');
  });

  it('lets browsers keep the content-named assets for good and revalidate everything else', () => {
    const site = only(web, 'AWS::CloudFront::Distribution').Properties.DistributionConfig
      .DefaultCacheBehavior;
    const association = site.FunctionAssociations.find(
      (a: { EventType: string }) => a.EventType === 'viewer-response',
    );
    const code =
      web.findResources('AWS::CloudFront::Function')[association.FunctionARN['Fn::GetAtt'][0]]!.Properties
        .FunctionCode;
    const handler = new Function(`${code}; return handler;`)();
    const cacheControl = (uri: string, statusCode = 200) =>
      handler({ request: { uri }, response: { statusCode, headers: {} } }).headers['cache-control'].value;
    expect(cacheControl('/assets/index-abc.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControl('/assets/gone-abc.js', 403)).toBe('no-cache');
    expect(cacheControl('/assets/route')).toBe('no-cache');
    expect(cacheControl('/index.html')).toBe('no-cache');
    expect(cacheControl('/config.json')).toBe('no-cache');
  });

  it('sends CSP and HSTS on every response', () => {
    const policy = only(web, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    expect(JSON.stringify(policy.ContentSecurityPolicy)).toContain("frame-ancestors 'none'");
    // The console plays spoken replies and voice samples from data: and blob: URLs.
    expect(JSON.stringify(policy.ContentSecurityPolicy)).toContain("media-src 'self' blob: data:");
    expect(policy.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63_072_000,
      Override: true,
    });
  });

  it('deploys the built site and config.json, or config.json alone with a warning before a build', () => {
    // Each source of the BucketDeployment becomes one asset (Asset1, Asset2...) under it.
    const assets = (stack: typeof s.plane.web) =>
      stack.node.findChild('Deploy').node.children.filter((c) => /^Asset\d+$/.test(c.node.id)).length;
    expect(assets(s.plane.web)).toBe(2);
    expect(only(web, 'Custom::CDKBucketDeployment').Properties.SourceObjectKeys).toHaveLength(2);

    const unbuilt = buildApp(undefined, undefined, [], join(tmpdir(), 'no-such-site')).plane.web;
    expect(assets(unbuilt)).toBe(1);
    expect(unbuilt.node.metadata.map((m) => String(m.data))).toContainEqual(
      expect.stringContaining('web/dist not built'),
    );
  });

  it('deploys a runtime config.json built from the other stacks', () => {
    const deployment = only(web, 'Custom::CDKBucketDeployment').Properties;
    const markers = JSON.stringify(deployment.SourceMarkers);
    // The Cognito hosted domain and the site client's id, both from the Auth stack, fill the file.
    expect(markers).toMatch(/acp-test-auth:ExportsOutputRefUsersDomain/);
    expect(markers).toContain(`acp-test-auth:ExportsOutputRef${logicalIdOf(s.plane.auth!.webClient)}`);
  });
});

describe('observability', () => {
  it('alarms on API 5xx, every function, the DLQ and sync errors', () => {
    const names = s.plane.observability.alarms.map((a) => a.node.id);
    expect(names).toEqual(
      expect.arrayContaining([
        'Api5xx',
        'SyncDeadLetters',
        'SyncFailures',
        'sync-worker-Failures',
        'http-me-Failures',
      ]),
    );
    expect(names.filter((n) => n.endsWith('-Failures'))).toHaveLength(s.plane.api.functions.size + 2);
    const observability = s.template(s.plane.observability);
    observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    observability.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  const findings = (app: ReturnType<typeof buildApp>['app']) =>
    new AwsSolutionsChecks(app)
      .validateScope(app)
      .violations.map(
        (v) =>
          `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );

  it('finds nothing unacknowledged with every integration on', () => {
    expect(findings(s.app)).toEqual([]);
  });

  it('finds nothing unacknowledged with Cognito signing in on a custom domain', () => {
    expect(findings(cognitoProd.app)).toEqual([]);
  });

  it('finds nothing unacknowledged with PropelAuth, a custom domain and no alarm email', () => {
    const { app } = buildApp({
      stage: 'prod',
      propelAuthIssuer: 'https://auth.example.com',
      propelAuthAudience: 'acp-api',
      domainName: 'admin.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    expect(findings(app)).toEqual([]);
  });
});
