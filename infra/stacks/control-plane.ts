/**
 * All stacks of one stage, wired in dependency order: Data -> (Auth) -> Sync -> Live -> Api -> Web ->
 * Observability. Stacks are environment-agnostic (account and region come from the deploy-time
 * credentials), so synth needs no AWS account. cdk-nag's AwsSolutions checks run on every synth.
 */
import { type App, Arn, Aws, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RouteSpec } from '../../functions/api/route';
import type { DeployConfig } from '../config';
import type { AccessTargets } from './access-policy';
import { ApiStack } from './api-stack';
import { AuthStack, apiResourceServer } from './auth-stack';
import { DataStack } from './data-stack';
import { EdgeStack } from './edge-stack';
import type { TrustedIssuer } from './environment';
import { LiveStack } from './live-stack';
import { ObservabilityStack } from './observability-stack';
import { SyncStack } from './sync-stack';
import { VoiceWorkerStack } from './voice-worker-stack';
import { WebStack } from './web-stack';

export interface ControlPlane {
  data: DataStack;
  auth: AuthStack | undefined;
  sync: SyncStack;
  api: ApiStack;
  live: LiveStack;
  web: WebStack;
  /** The CloudFront web ACL, in us-east-1. */
  edge: EdgeStack;
  observability: ObservabilityStack;
  /** The LiveKit voice worker, when LiveKit is configured and Cognito issues the runtime client. */
  voiceWorker: VoiceWorkerStack | undefined;
}

export interface ControlPlaneOptions {
  /** Register cdk-nag as a synth-time validation plugin (the CLI path); tests call it directly. */
  nag: boolean;
  /** The built admin site; defaults to web/dist. */
  siteDir?: string;
}

export function defineControlPlane(
  app: App,
  config: DeployConfig,
  routes: readonly RouteSpec[],
  options: ControlPlaneOptions = { nag: true },
): ControlPlane {
  const name = (part: string) => `${config.namePrefix}-${part}`;
  const description = (what: string) => ({ description: `Agent control plane (${config.stage}): ${what}` });

  const data = new DataStack(app, 'Data', {
    stackName: name('data'),
    ...description('table, secrets key'),
    config,
  });
  const auth = config.propelAuth
    ? undefined
    : new AuthStack(app, 'Auth', { stackName: name('auth'), ...description('Cognito user pool'), config });
  // The API trusts exactly these issuers, each for one audience; the local dev issuer is never among
  // them. From Cognito it takes ID tokens of the admin site's client only: the API reads the email
  // claim, which access tokens lack, and the site sends the ID token (web/src/hosted-sign-in.ts).
  const trustedIssuers: TrustedIssuer[] = auth
    ? [{ issuer: auth.issuer, audience: auth.webClient.userPoolClientId, tokenUse: 'id' }]
    : [{ issuer: config.propelAuth!.issuer, audience: config.propelAuth!.audience }];

  // SES authorizes sending against whichever identity is verified: the address or its domain.
  const mailIdentityArns = config.mailFrom
    ? [config.mailFrom, config.mailFrom.split('@')[1]!].map((identity) =>
        Arn.format({
          partition: Aws.PARTITION,
          service: 'ses',
          region: Aws.REGION,
          account: Aws.ACCOUNT_ID,
          resource: 'identity',
          resourceName: identity,
        }),
      )
    : undefined;
  // What every function's access declaration resolves against; the Sync stack adds its queue.
  const targets: AccessTargets = {
    table: data.table,
    secretsKey: data.secretsKey,
    signingKey: data.signingKey,
    secretsPrefix: config.secretsPrefix,
    googleClientSecretName: config.google?.clientSecretName,
    livekitSecretName: config.livekit?.secretName,
    userPoolArn: auth?.userPool.userPoolArn,
    mailIdentityArns,
  };
  const sync = new SyncStack(app, 'Sync', {
    stackName: name('sync'),
    ...description('calendar sync schedule, queue, workers'),
    config,
    targets,
    ...(auth ? { userPoolId: auth.userPool.userPoolId } : {}),
  });
  const live = new LiveStack(app, 'Live', {
    stackName: name('live'),
    ...description('live task updates, presence and streamed replies (AppSync Events)'),
    config,
    targets,
    trustedIssuers,
  });
  const api = new ApiStack(app, 'Api', {
    stackName: name('api'),
    ...description('HTTP API and handlers'),
    config,
    routes,
    trustedIssuers,
    // The pool's client-credentials access tokens (no aud, no email) are verified apart from the
    // site's ID tokens: org API clients and the voice runtime (README "Machine callers").
    ...(auth
      ? {
          machineCallers: {
            issuer: auth.issuer,
            resourceServer: apiResourceServer,
            runtimeClientId: auth.runtimeClient.userPoolClientId,
            userPoolId: auth.userPool.userPoolId,
            tokenUrl: auth.tokenUrl,
          },
        }
      : {}),
    targets: sync.targets,
    // The conversations function streams replies to the live channels.
    live,
  });
  const edge = new EdgeStack(app, 'Edge', {
    stackName: name('edge'),
    ...description('WAF web ACL for CloudFront (us-east-1)'),
    config,
  });
  const web = new WebStack(app, 'Web', {
    stackName: name('web'),
    ...description('admin site, CloudFront'),
    config,
    api,
    live,
    edge,
    auth,
    siteDir: options.siteDir,
  });
  const observability = new ObservabilityStack(app, 'Observability', {
    stackName: name('observability'),
    ...description('alarms and dashboard'),
    config,
    api,
    sync,
  });

  const livekit = config.livekit;
  const voiceWorker =
    auth && livekit
      ? new VoiceWorkerStack(app, 'VoiceWorker', {
          stackName: name('voice-worker'),
          ...description('LiveKit Agents voice worker (ECS Fargate)'),
          config: { ...config, livekit },
          apiUrl: `${config.webOrigin ?? `https://${web.distribution.distributionDomainName}`}/api`,
          tokenUrl: auth.tokenUrl,
          runtimeClientId: auth.runtimeClient.userPoolClientId,
          runtimeClientSecret: auth.runtimeClientSecret,
        })
      : undefined;

  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { data, auth, sync, api, live, web, edge, observability, voiceWorker };
}
