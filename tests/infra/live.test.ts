/**
 * The Live stack: an AppSync Events API whose browsers authenticate through our Lambda authorizer,
 * whose task channels only the change publisher (IAM) may publish to, fed from the table's stream
 * through a filtered event source mapping, whose presence heartbeats are stamped by a publish
 * handler, with least privilege on every function.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppFunction } from '../../infra/stacks/constructs/app-function';
import { logicalIdOf } from '../../infra/stacks/nag';
import { removeOutputs, synthesize } from './synth';

let s: ReturnType<typeof synthesize>;
let live: Template;

beforeAll(() => {
  s = synthesize();
  live = s.template(s.plane.live);
});
afterAll(removeOutputs);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function statementsOf(fn: AppFunction): Statement[] {
  const policies = live.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalIdOf(fn.role) }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (fn: AppFunction) =>
  [...new Set(statementsOf(fn).flatMap((st) => [st.Action].flat()))]
    .filter((a) => !a.startsWith('logs:'))
    .sort();

describe('live', () => {
  it('streams the table with old and new images', () => {
    const table = Object.values(s.template(s.plane.data).findResources('AWS::DynamoDB::Table'))[0]!;
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('lets browsers in through the Lambda authorizer only, and publishes through IAM or the authorizer', () => {
    const api = Object.values(live.findResources('AWS::AppSync::Api'))[0]!.Properties.EventConfig;
    const types = (modes: { AuthType: string }[]) => modes.map((m) => m.AuthType).sort();
    expect(types(api.AuthProviders)).toEqual(['AWS_IAM', 'AWS_LAMBDA']);
    expect(types(api.ConnectionAuthModes)).toEqual(['AWS_LAMBDA']);
    expect(types(api.DefaultSubscribeAuthModes)).toEqual(['AWS_LAMBDA']);
    expect(types(api.DefaultPublishAuthModes)).toEqual(['AWS_IAM', 'AWS_LAMBDA']);
    const lambda = api.AuthProviders.find((p: { AuthType: string }) => p.AuthType === 'AWS_LAMBDA');
    // Never cached: a decision is per channel, and a removed member must be refused at once.
    expect(lambda.LambdaAuthorizerConfig.AuthorizerResultTtlInSeconds).toBe(0);
    live.hasResourceProperties('AWS::AppSync::ChannelNamespace', { Name: 'orgs' });
    live.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'appsync.amazonaws.com',
    });
  });

  it('gives the publisher EventPublish on this API’s namespace and the stream reads, nothing more', () => {
    expect(actionsOf(s.plane.live.publisher)).toEqual([
      'appsync:EventPublish',
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    const publish = statementsOf(s.plane.live.publisher).find((st) => st.Action === 'appsync:EventPublish')!;
    expect(publish.Resource).toEqual({
      'Fn::Join': [
        '',
        [{ 'Fn::GetAtt': [logicalIdOf(s.plane.live.api), 'ApiArn'] }, '/channelNamespace/orgs'],
      ],
    });
  });

  it('gives the authorizer the reads of the profile and of the membership with its org, nothing more', () => {
    expect(actionsOf(s.plane.live.authorizer)).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
  });

  it('stamps presence with a Lambda publish handler on its own namespace, where IAM may not publish', () => {
    const namespaces = live.findResources('AWS::AppSync::ChannelNamespace', {
      Properties: { Name: 'presence' },
    });
    const presence = Object.values(namespaces)[0]!.Properties;
    expect(presence.PublishAuthModes).toEqual([{ AuthType: 'AWS_LAMBDA' }]);
    expect(presence.SubscribeAuthModes).toEqual([{ AuthType: 'AWS_LAMBDA' }]);
    expect(presence.HandlerConfigs.OnPublish).toMatchObject({
      Behavior: 'DIRECT',
      Integration: { LambdaConfig: { InvokeType: 'REQUEST_RESPONSE' } },
    });
    const sourceName = presence.HandlerConfigs.OnPublish.Integration.DataSourceName;
    const sources = Object.values(live.findResources('AWS::AppSync::DataSource'));
    const source = sources.find((d) => JSON.stringify(d.Properties.Name) === JSON.stringify(sourceName))!;
    expect(source.Properties.Type).toBe('AWS_LAMBDA');
    expect(JSON.stringify(source.Properties.LambdaConfig)).toContain(
      logicalIdOf(s.plane.live.presence.function),
    );
    // The tasks namespace keeps no handler: publishes there are the API's own, fanned out as sent.
    const orgs = Object.values(
      live.findResources('AWS::AppSync::ChannelNamespace', { Properties: { Name: 'orgs' } }),
    );
    expect(orgs[0]!.Properties.HandlerConfigs ?? {}).toEqual({});
    // The handler touches no data: the authorizer's answer and the clock are all it stamps.
    expect(actionsOf(s.plane.live.presence)).toEqual([]);
  });

  it('invokes the publisher for task changes and lost access only, with partial batch failures and a short retry', () => {
    const mapping = Object.values(live.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping.FilterCriteria.Filters).toEqual([
      { Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: [{ prefix: 'TASK#' }] } } } }) },
      {
        Pattern: JSON.stringify({
          eventName: ['REMOVE'],
          dynamodb: { Keys: { sk: { S: [{ prefix: 'MEMBER#' }] } } },
        }),
      },
      {
        Pattern: JSON.stringify({
          eventName: ['MODIFY'],
          dynamodb: { Keys: { sk: { S: ['ORG'] } }, NewImage: { status: { S: ['suspended'] } } },
        }),
      },
    ]);
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.StartingPosition).toBe('LATEST');
    expect(mapping.MaximumRecordAgeInSeconds).toBe(60);
    expect(mapping.MaximumRetryAttempts).toBe(3);
  });

  it('tells the site where to connect, and its CSP allows exactly that socket', () => {
    const web = s.template(s.plane.web);
    const policy = Object.values(web.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!;
    const csp = JSON.stringify(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig);
    expect(csp).toContain('wss://');
    const deployment = JSON.stringify(web.findResources('Custom::CDKBucketDeployment'));
    expect(deployment).toContain('DnsRealtime');
    expect(deployment).toContain('DnsHttp');
  });
});
