/**
 * The edge: a CLOUDFRONT web ACL in us-east-1 with per-IP rate-based rules on the API and its
 * webhooks, associated with the stage's distribution through the ARN the web stack reads back from
 * the edge stack's SSM parameter (the web stack is environment-agnostic, so it may be elsewhere).
 */
import { Token } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originVerifyHeader } from '../../functions/http/pipeline/origin';
import { logicalIdOf } from '../../infra/stacks/nag';
import { fullContext, removeOutputs, synthesize } from './synth';

let s: ReturnType<typeof synthesize>;
let edge: Template;
let web: Template;
let api: Template;

beforeAll(() => {
  s = synthesize();
  edge = s.template(s.plane.edge);
  web = s.template(s.plane.web);
  api = s.template(s.plane.api);
});
afterAll(removeOutputs);

const only = (template: Template, type: string) => {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

describe('edge', () => {
  it('is the one stack pinned to us-east-1, where CloudFront web ACLs live', () => {
    expect(s.plane.edge.region).toBe('us-east-1');
    expect(s.plane.edge.stackName).toBe('acp-test-edge');
    // The others take the region of the credentials they are deployed with.
    for (const stack of [s.plane.data, s.plane.api, s.plane.web])
      expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  it('limits requests per IP on /api/ and, tighter, on /api/webhooks/, answering 429 with Retry-After', () => {
    const acl = only(edge, 'AWS::WAFv2::WebACL').Properties;
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    const rules = Object.fromEntries(
      acl.Rules.map((rule: { Name: string; Statement: { RateBasedStatement: Record<string, unknown> } }) => {
        const rate = rule.Statement.RateBasedStatement as {
          AggregateKeyType: string;
          Limit: number;
          EvaluationWindowSec: number;
          ScopeDownStatement: { ByteMatchStatement: { SearchString: string; PositionalConstraint: string } };
        };
        expect(rule).toMatchObject({
          Action: {
            Block: {
              CustomResponse: {
                ResponseCode: 429,
                ResponseHeaders: [{ Name: 'retry-after', Value: '60' }],
              },
            },
          },
        });
        expect(rate.AggregateKeyType).toBe('IP');
        expect(rate.ScopeDownStatement.ByteMatchStatement.PositionalConstraint).toBe('STARTS_WITH');
        return [
          rule.Name,
          {
            path: rate.ScopeDownStatement.ByteMatchStatement.SearchString,
            perMinute: rate.Limit,
            window: rate.EvaluationWindowSec,
          },
        ];
      }),
    );
    expect(rules).toEqual({
      'api-per-ip': { path: '/api/', perMinute: 600, window: 60 },
      'webhooks-per-ip': { path: '/api/webhooks/', perMinute: 120, window: 60 },
    });
  });

  it('is associated with the distribution, whose ARN the web stack reads from the edge stack’s parameter in us-east-1', () => {
    const parameter = only(edge, 'AWS::SSM::Parameter').Properties;
    expect(parameter.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(s.plane.edge.webAcl), 'Arn'] });

    const distribution = only(web, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
    const [reader] = distribution.WebACLId['Fn::GetAtt'] as [string, string];
    expect(distribution.WebACLId['Fn::GetAtt'][1]).toBe('Parameter.Value');
    const read = web.toJSON().Resources[reader];
    const create = JSON.parse(JSON.stringify(read.Properties.Update ?? read.Properties.Create));
    const call = JSON.parse(typeof create === 'string' ? create : create['Fn::Join'][1].join(''));
    expect(call).toMatchObject({
      service: 'SSM',
      action: 'getParameter',
      region: 'us-east-1',
      parameters: { Name: parameter.Name },
    });
    // The reader may read that one parameter, in us-east-1, and nothing else.
    const policy = JSON.stringify(web.findResources('AWS::IAM::Policy'));
    expect(policy).toContain(`:ssm:us-east-1:`);
    expect(policy).toContain(`:parameter${parameter.Name}`);
    expect(s.plane.web.dependencies).toContain(s.plane.edge);
  });
});

/**
 * The HTTP API's own execute-api address would skip the web ACL: CloudFront's API origin sends the
 * stage's origin secret in x-origin-verify, and every API function is told to expect it
 * (functions/http/pipeline/origin.ts; origin-verify.test.ts).
 */
describe('origin secret', () => {
  const reference = (secretArn: unknown, versionId = '') => ({
    'Fn::Join': ['', ['{{resolve:secretsmanager:', secretArn, `:SecretString:::${versionId}}}`]],
  });
  const apiOriginHeaders = (template: Template) =>
    only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig.Origins.find(
      (o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig,
    ).OriginCustomHeaders;
  const originSecrets = (template: Template, stack: typeof s.plane.api) =>
    [...stack.functions.values()].map(
      (fn) =>
        template.toJSON().Resources[logicalIdOf(fn.function)].Properties.Environment.Variables.ORIGIN_SECRET,
    );

  it('is a generated secret of the api stack, sent by CloudFront’s API origin and expected by every API function', () => {
    const secret = only(api, 'AWS::SecretsManager::Secret');
    const secretId = Object.keys(api.findResources('AWS::SecretsManager::Secret'))[0]!;
    expect(secret.Properties).toMatchObject({
      Name: 'agent-control-plane/test/origin-verify',
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
    });

    const [header] = apiOriginHeaders(web);
    expect(header.HeaderName).toBe(originVerifyHeader);
    // The web stack imports the secret's ARN from the api stack; CloudFormation resolves the value.
    const imported = header.HeaderValue['Fn::Join'][1][1]['Fn::ImportValue'] as string;
    expect(imported).toMatch(new RegExp(`^acp-test-api:ExportsOutputRef${secretId}`));
    expect(header.HeaderValue).toEqual(reference({ 'Fn::ImportValue': imported }));

    const expected = originSecrets(api, s.plane.api);
    expect(expected.length).toBeGreaterThan(10);
    for (const value of expected) expect(value).toEqual(reference({ Ref: secretId }));
  });

  it('is pinned to the version originSecretVersion names in both places, so a new one rotates it', () => {
    const versionId = '3f1c2a4e-8b7d-4c6e-9a0b-1d2e3f4a5b6c';
    const pinned = synthesize({ ...fullContext, originSecretVersion: versionId });
    const pinnedApi = pinned.template(pinned.plane.api);
    const secretId = Object.keys(pinnedApi.findResources('AWS::SecretsManager::Secret'))[0]!;
    const [header] = apiOriginHeaders(pinned.template(pinned.plane.web));
    expect(header.HeaderValue['Fn::Join'][1][2]).toBe(`:SecretString:::${versionId}}}`);
    for (const value of originSecrets(pinnedApi, pinned.plane.api))
      expect(value).toEqual(reference({ Ref: secretId }, versionId));
  });
});
