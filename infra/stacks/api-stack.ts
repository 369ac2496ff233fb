/**
 * The HTTP API, generated from the route table at synth time: one Lambda per handler module and
 * one route per table entry, registered exactly as the table spells them (CloudFront strips the
 * /api prefix before requests arrive), so `event.routeKey` is what the handlers dispatch on.
 * Authentication happens in the handlers, which trust several issuers; see the APIG4 note below.
 */
import { Duration, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type RouteSpec, routeKey } from '../../functions/api/route';
import type { DeployConfig } from '../config';
import type { AccessTargets } from './access-policy';
import { AppFunction } from './constructs/app-function';
import { functionEnvironment, type MachineCallers, type TrustedIssuer } from './environment';
import { filesBeside } from './files-beside';
import { accessFor } from './function-access';

export interface ApiStackProps extends StackProps {
  config: DeployConfig;
  routes: readonly RouteSpec[];
  trustedIssuers: TrustedIssuer[];
  machineCallers?: MachineCallers;
  targets: AccessTargets;
  /** The live channels (Live stack): functions declaring publishLiveEvents publish there. */
  live: { namespaceArn: string; eventsUrl: string };
}

/**
 * Requests per second for the whole stage, and the stricter limits of unauthenticated routes, each
 * route its own bucket. Webhooks get theirs apart from the other public routes: LiveKit posts one
 * per room and participant event, in bursts when calls end together. These limits are shared by
 * every caller of a route; per-IP limits are the edge stack's WAF rules (edge-stack.ts).
 */
export const throttling = {
  default: { rateLimit: 100, burstLimit: 200 },
  publicRoute: { rateLimit: 10, burstLimit: 20 },
  webhookRoute: { rateLimit: 50, burstLimit: 100 },
} as const;

/** Routes that services call back on (`/webhooks/…`): public, each verifying its own signature. */
export const isWebhook = (route: RouteSpec) => route.path.startsWith('/webhooks/');

/** `oauth-callback` -> `OauthCallback`: the construct id of a handler module's function. */
export function functionId(module: string): string {
  return module.replace(/(^|[-_/])(\w)/g, (_, __, c: string) => c.toUpperCase());
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Keyed by handler module. */
  readonly functions = new Map<string, AppFunction>();
  /**
   * The secret CloudFront's API origin sends in x-origin-verify, as a CloudFormation dynamic
   * reference (`{{resolve:secretsmanager:…}}`) the distribution and the functions both take.
   */
  readonly originSecret: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.api = new HttpApi(this, 'Api', {
      apiName: `${config.namePrefix}-api`,
      createDefaultStage: false,
      // The admin site calls the API same-origin through CloudFront, so CORS only serves a browser
      // on the site's known origin calling the API directly; no other origin is allowed.
      corsPreflight: config.webOrigin
        ? {
            allowOrigins: [config.webOrigin],
            allowMethods: [CorsHttpMethod.ANY],
            allowHeaders: ['authorization', 'content-type', 'if-match'],
            exposeHeaders: ['etag'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: throttling.default,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const publicRouteSettings = Object.fromEntries(
      props.routes
        .filter((r) => r.auth.kind === 'public')
        .map((r) => {
          const limit = isWebhook(r) ? throttling.webhookRoute : throttling.publicRoute;
          return [
            routeKey(r),
            { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit },
          ];
        }),
    );
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', publicRouteSettings);

    // The execute-api address skips CloudFront's web ACL, so the functions refuse requests without
    // the header CloudFront adds (functions/http/pipeline/origin.ts). CloudFormation resolves the
    // reference at deploy time into the distribution's origin header and the functions' environment,
    // where whoever may read those configurations sees it: acceptable, because it guards against
    // bypassing the per-IP limits and protects no data (every route still checks its token).
    const originSecret = new Secret(this, 'OriginSecret', {
      secretName: `${config.secretsPrefix}/origin-verify`,
      description: 'Sent by CloudFront in x-origin-verify; the API refuses requests without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront and the functions take the value at deploy time, so a rotation Lambda would ' +
        'only break them; it is rotated by putting a new value and deploying with ' +
        'originSecretVersion (README "Deploy to AWS").',
    });
    this.originSecret = SecretValue.secretsManager(originSecret.secretArn, {
      versionId: config.originSecretVersion,
    }).unsafeUnwrap();

    const environment = {
      ...functionEnvironment(this, {
        config,
        targets: props.targets,
        trustedIssuers: props.trustedIssuers,
        ...(props.machineCallers ? { machineCallers: props.machineCallers } : {}),
      }),
      ORIGIN_SECRET: this.originSecret,
    };

    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const module of new Set(props.routes.map((r) => r.module))) {
      const access = accessFor(module);
      const publishes = access.publishLiveEvents === true;
      const fn = new AppFunction(this, functionId(module), {
        entry: `functions/http/${module}.ts`,
        description: `${config.namePrefix} HTTP handler ${module}`,
        access,
        targets: publishes ? { ...props.targets, liveNamespaceArn: props.live.namespaceArn } : props.targets,
        environment: publishes ? { ...environment, LIVE_EVENTS_URL: props.live.eventsUrl } : environment,
        retainLogs: !config.isDev,
        // Just under the HTTP API's 30 s integration limit: handlers that call Google retry within it.
        timeout: Duration.seconds(29),
        files: filesBeside[module],
      });
      this.functions.set(module, fn);
      integrations.set(module, new HttpLambdaIntegration(`${functionId(module)}Integration`, fn.function));
    }
    for (const route of props.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations.get(route.module)!,
      });
    }

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every non-public route verifies its bearer token in the handler (aws-jwt-verify), because ' +
        'the API trusts several issuers and an HTTP API JWT authorizer takes exactly one. Public ' +
        'routes (health, OpenAPI, OAuth callback, invite lookup) need no token by design.',
    });
  }

  /** `<api-id>.execute-api.<region>.amazonaws.com`: the API's own host, CloudFront's origin. */
  get originDomain(): string {
    return `${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
  }
}
