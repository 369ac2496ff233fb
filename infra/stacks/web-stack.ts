/**
 * The admin site and the public front door. A private bucket (reachable only through CloudFront's
 * origin access control) holds web/dist plus a config.json generated from the other stacks'
 * outputs; `/api/*` goes to the HTTP API with the prefix stripped, so the site and the API share
 * one origin and the browser never needs CORS. Every response carries the security headers.
 */
import { existsSync } from 'node:fs';
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  Function as ViewerFunction,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { originVerifyHeader } from '../../functions/http/pipeline/origin';
import type { DeployConfig } from '../config';
import type { ApiStack } from './api-stack';
import type { AuthStack } from './auth-stack';
import { type EdgeStack, edgeRegion } from './edge-stack';
import type { LiveStack } from './live-stack';
import { wildcardUnder } from './nag';
import { projectRoot } from './paths';

export interface WebStackProps extends StackProps {
  config: DeployConfig;
  api: ApiStack;
  /** The live channels the site subscribes to (config.json tells it where). */
  live: LiveStack;
  /** The web ACL (us-east-1) the distribution is associated with. */
  edge: EdgeStack;
  /** Absent when an external issuer (PropelAuth) is configured. */
  auth: AuthStack | undefined;
  /** The built admin site (default web/dist). */
  siteDir?: string;
}

const webDist = `${projectRoot}/web/dist`;

/** Paths without a file extension are client-side routes of the SPA: serve index.html. */
const spaFallback = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * Vite names every file under /assets/ by its content, so browsers may keep one for good (a
 * returning visitor loads the console without downloading it again); everything else (the page,
 * config.json) is revalidated on each visit, so a deployment is seen at once. The local stack
 * answers the same (infra/local/gateway.ts).
 */
const siteCacheHeaders = `function handler(event) {
  var response = event.response;
  var uri = event.request.uri;
  var file = uri.indexOf('/assets/') === 0 && uri.split('/').pop().indexOf('.') !== -1;
  var forever = file && response.statusCode === 200;
  response.headers['cache-control'] = { value: forever ? 'public, max-age=31536000, immutable' : 'no-cache' };
  return response;
}`;

/** The behavior pattern guarantees the /api/ prefix; the HTTP API's routes are registered without it. */
const stripApiPrefix = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(4) || '/';
  return request;
}`;

export class WebStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config, api, auth, live } = props;

    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const authOrigins = auth
      ? [auth.domain.baseUrl()]
      : config.propelAuth
        ? [new URL(config.propelAuth.issuer).origin]
        : [];
    const connectSources = [
      "'self'",
      ...authOrigins,
      `wss://${live.api.realtimeDns}`,
      ...(config.livekit ? [config.livekit.url] : []),
    ];
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: https:",
            // Spoken replies and voice samples arrive as bytes in JSON and play from data:/blob: URLs.
            "media-src 'self' blob: data:",
            `connect-src ${connectSources.join(' ')}`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
        },
        strictTransportSecurity: {
          override: true,
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: HeadersFrameOption.DENY },
        referrerPolicy: {
          override: true,
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
        },
      },
    });

    this.addStackDependency(props.edge);
    const webAclArn = this.readWebAclArn(props.edge);

    const viewerFunction = (fid: string, code: string) =>
      new ViewerFunction(this, fid, { code: FunctionCode.fromInline(code), runtime: FunctionRuntime.JS_2_0 });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${config.namePrefix} admin site and API`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      webAclId: webAclArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(config.domain
        ? {
            domainNames: [config.domain.name],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: Certificate.fromCertificateArn(this, 'Certificate', config.domain.certificateArn),
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: viewerFunction('SpaFallback', spaFallback),
          },
          {
            eventType: FunctionEventType.VIEWER_RESPONSE,
            function: viewerFunction('SiteCacheHeaders', siteCacheHeaders),
          },
        ],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(api.originDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
            // The API refuses requests without it: its own address would skip the web ACL.
            customHeaders: { [originVerifyHeader]: api.originSecret },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // API Gateway routes by its own Host name, so the viewer's Host must not be forwarded.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: [
            {
              eventType: FunctionEventType.VIEWER_REQUEST,
              function: viewerFunction('StripApiPrefix', stripApiPrefix),
            },
          ],
        },
      },
    });
    if (!config.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, ' +
          'whose minimum protocol CloudFront fixes; pass domainName and certificateArn to enforce TLS 1.2.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Tenants are worldwide; no country is blocked.',
    });

    this.siteUrl = config.webOrigin ?? `https://${this.distribution.distributionDomainName}`;

    const runtimeConfig = {
      apiBase: '/api',
      stage: config.stage,
      auth: auth
        ? {
            mode: 'cognito',
            domain: auth.domain.baseUrl(),
            clientId: auth.webClient.userPoolClientId,
          }
        : { mode: 'propelauth', issuer: config.propelAuth?.issuer, audience: config.propelAuth?.audience },
      ...(config.livekit ? { livekitUrl: config.livekit.url } : {}),
      live: { realtimeUrl: live.realtimeUrl, host: live.httpHost },
    };
    const sources: ISource[] = [Source.jsonData('config.json', runtimeConfig)];
    // Synth must work before the site is built (CI, infra tests): then only config.json ships,
    // and a warning says so. `npm run build:web` before deploying puts the site in.
    const siteDir = props.siteDir ?? webDist;
    if (existsSync(`${siteDir}/index.html`)) sources.unshift(Source.asset(siteDir));
    else
      Annotations.of(this).addWarningV2(
        'web-dist-missing',
        'web/dist not built: deploying config.json only.',
      );

    new BucketDeployment(this, 'Deploy', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentProvider();

    new CfnOutput(this, 'SiteUrl', { value: this.siteUrl });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }

  /**
   * The edge stack's web ACL ARN, read from its SSM parameter in us-east-1 at deploy time (an SDK
   * call through CDK's AwsCustomResource, allowed to read that one parameter and nothing else).
   */
  private readWebAclArn(edge: EdgeStack): string {
    const parameterArn = `arn:${this.partition}:ssm:${edgeRegion}:${this.account}:parameter${edge.webAclArnParameter}`;
    const read = new AwsCustomResource(this, 'WebAclArn', {
      onUpdate: {
        service: 'SSM',
        action: 'getParameter',
        parameters: { Name: edge.webAclArnParameter },
        region: edgeRegion,
        physicalResourceId: PhysicalResourceId.fromResponse('Parameter.Value'),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [parameterArn] }),
      installLatestAwsSdk: false,
    });
    const provider = this.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    const reason = (what: string) => `CDK's AwsCustomResource provider (aws-cdk-lib managed): ${what}`;
    Validations.of(provider).acknowledge(
      { id: 'AwsSolutions-L1', reason: reason('its Node.js runtime is pinned by aws-cdk-lib.') },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: reason('it writes only its own logs with the basic execution policy.'),
      },
    );
    return read.getResponseField('Parameter.Value');
  }

  /**
   * BucketDeployment runs a provider Lambda that aws-cdk-lib builds and shares per stack; its
   * runtime and role are not ours to set. What it can reach: the CDK asset bucket (read) and the
   * site bucket (write), plus CloudFront invalidations, which IAM cannot scope to a distribution.
   */
  private acknowledgeDeploymentProvider(): void {
    const provider = this.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('BucketDeployment provider not found; aws-cdk-lib changed its layout');
    const reason = (what: string) => `CDK's BucketDeployment provider (aws-cdk-lib managed): ${what}`;
    Validations.of(provider).acknowledge(
      { id: 'AwsSolutions-L1', reason: reason('its Python runtime is pinned by aws-cdk-lib.') },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: reason('it writes only its own logs with the basic execution policy.'),
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason(
          'copies the site from the CDK asset bucket into the site bucket and prunes old files.',
        ),
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: reason('reads the zipped site from the CDK bootstrap asset bucket.'),
      },
      {
        id: wildcardUnder(this.bucket, '/*'),
        reason: reason('writes the site objects into the site bucket.'),
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: reason('creates CloudFront invalidations, which IAM does not scope to one distribution.'),
      },
    );
  }
}
