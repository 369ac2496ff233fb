/**
 * The stage's AWS WAF web ACL, for its CloudFront distribution: per-IP rate limits in front of the
 * API (`/api/*`) and, tighter, its webhooks, so one address flooding a public route is blocked at
 * the edge instead of using up the route's API Gateway throttle that every caller shares (LiveKit's
 * real webhooks included). An HTTP API cannot take a web ACL itself; CloudFront can.
 *
 * A CLOUDFRONT-scope web ACL exists only in us-east-1, whatever region the rest of the stage is in,
 * so this stack alone is pinned there. The other stacks are environment-agnostic, which rules out
 * CDK's cross-region references (they need concrete environments): the ACL's ARN is published as an
 * SSM parameter here and read back by the web stack (web-stack.ts).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';

/** Where CloudFront's web ACLs live. */
export const edgeRegion = 'us-east-1';

/**
 * Requests one IP address may send in a minute before WAF answers 429 for the rest of it. The API
 * rule counts every `/api/` request (a busy console page makes a few dozen); the webhook rule counts
 * `/api/webhooks/` alone, so an address flooding it is cut off long before the route's own
 * API Gateway limit fills for LiveKit.
 */
export const perIpLimits = {
  api: { pathPrefix: '/api/', requestsPerMinute: 600 },
  webhooks: { pathPrefix: '/api/webhooks/', requestsPerMinute: 120 },
} as const;

export interface EdgeStackProps extends StackProps {
  config: DeployConfig;
}

export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  /** The SSM parameter (in edgeRegion) holding the web ACL's ARN. */
  readonly webAclArnParameter: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { region: edgeRegion } });
    const { config } = props;
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${config.namePrefix}-${name}`,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${config.namePrefix}-edge`,
      description: `${config.namePrefix}: per-IP rate limits on the API and its webhooks`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('edge'),
      rules: Object.entries(perIpLimits).map(([name, limit], priority) => ({
        name: `${name}-per-ip`,
        priority,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: limit.requestsPerMinute,
            evaluationWindowSec: 60,
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: limit.pathPrefix,
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        },
        // The API's own answer to a full bucket: 429 with Retry-After (WAF counts per minute).
        action: {
          block: {
            customResponse: {
              responseCode: 429,
              responseHeaders: [{ name: 'retry-after', value: '60' }],
            },
          },
        },
        visibilityConfig: metric(`${name}-per-ip`),
      })),
    });

    this.webAclArnParameter = `/${config.namePrefix}/edge/web-acl-arn`;
    new StringParameter(this, 'WebAclArn', {
      parameterName: this.webAclArnParameter,
      description: 'The CloudFront web ACL of this stage, read by its web stack in any region',
      stringValue: this.webAcl.attrArn,
    });
  }
}
