/**
 * Live updates: an AppSync Events API with two channel namespaces (`orgs` and `presence`), fed
 * from the table's DynamoDB stream. AppSync keeps the WebSocket connections, fans events out and
 * bills per message, so there is no connection table to keep and nothing runs while nobody is
 * connected.
 * - Browsers connect and subscribe with our JWT through a Lambda authorizer (functions/http/live/
 *   authorizer.ts), which allows only channels of orgs the caller is a member of, and lets members
 *   publish presence heartbeats only.
 * - Heartbeats pass through the presence namespace's publish handler (functions/http/live/
 *   presence.ts, a direct Lambda integration), which stamps each with the publisher's own identity
 *   and the time of receipt. IAM may not publish there at all.
 * - Task changes and lost access are published by the change publisher (functions/jobs/
 *   publish-changes.ts) with IAM: its role may publish to the `orgs` namespace and nothing else. So
 *   may the API's conversations function, which streams replies (it reads `namespaceArn` and
 *   `eventsUrl`; the Api stack follows this one).
 */
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AppSyncAuthorizationType, type ChannelNamespace, EventApi } from 'aws-cdk-lib/aws-appsync';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { liveNamespace, presenceNamespace } from '../../functions/api/live';
import { streamFilters } from '../../functions/jobs/publish-changes';
import type { DeployConfig } from '../config';
import type { AccessTargets } from './access-policy';
import { AppFunction } from './constructs/app-function';
import { functionEnvironment, type TrustedIssuer } from './environment';
import { jobFunctionAccess } from './function-access';
import { wildcardUnder } from './nag';

export interface LiveStackProps extends StackProps {
  config: DeployConfig;
  targets: AccessTargets;
  trustedIssuers: TrustedIssuer[];
}

export class LiveStack extends Stack {
  readonly api: EventApi;
  readonly namespace: ChannelNamespace;
  readonly presenceNamespace: ChannelNamespace;
  readonly authorizer: AppFunction;
  readonly presence: AppFunction;
  readonly publisher: AppFunction;
  /** What the admin site connects to: `wss://<realtime dns>/event/realtime`, and the host it names. */
  readonly realtimeUrl: string;
  readonly httpHost: string;
  /** What a publisher's role is granted `appsync:EventPublish` on: this API's one namespace. */
  readonly namespaceArn: string;
  /** Where publishers POST events (LIVE_EVENTS_URL). */
  readonly eventsUrl: string;

  constructor(scope: Construct, id: string, props: LiveStackProps) {
    super(scope, id, props);
    const { config, targets } = props;

    this.authorizer = new AppFunction(this, 'Authorizer', {
      entry: 'functions/http/live/authorizer.ts',
      description: `${config.namePrefix} live channel authorizer`,
      access: jobFunctionAccess['live-authorizer'],
      targets,
      environment: functionEnvironment(this, { config, targets, trustedIssuers: props.trustedIssuers }),
      retainLogs: !config.isDev,
      timeout: Duration.seconds(5),
    });

    this.api = new EventApi(this, 'Events', {
      apiName: `${config.namePrefix}-live`,
      authorizationConfig: {
        authProviders: [
          { authorizationType: AppSyncAuthorizationType.IAM },
          {
            authorizationType: AppSyncAuthorizationType.LAMBDA,
            // Decisions are per channel and must end with a membership: never cached.
            lambdaAuthorizerConfig: {
              handler: this.authorizer.function,
              resultsCacheTtl: Duration.seconds(0),
            },
          },
        ],
        connectionAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
        defaultSubscribeAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
        defaultPublishAuthModeTypes: [AppSyncAuthorizationType.IAM, AppSyncAuthorizationType.LAMBDA],
      },
    });
    this.namespace = this.api.addChannelNamespace('Orgs', { channelNamespaceName: liveNamespace });

    this.presence = new AppFunction(this, 'Presence', {
      entry: 'functions/http/live/presence.ts',
      description: `${config.namePrefix} presence heartbeat stamp`,
      access: jobFunctionAccess['live-presence'],
      targets,
      environment: functionEnvironment(this, { config, targets, trustedIssuers: [] }),
      retainLogs: !config.isDev,
      timeout: Duration.seconds(5),
    });
    const stamp = this.api.addLambdaDataSource('PresenceStamp', this.presence.function);
    Validations.of(stamp).acknowledge({
      id: wildcardUnder(this.presence.function, ':*'),
      reason:
        "CDK's Lambda data source grants AppSync invoke on the presence function and its versions " +
        '(ARN:*); it is that one function, nothing else.',
    });
    // Members publish here through the authorizer only; every event is stamped before fan-out.
    this.presenceNamespace = this.api.addChannelNamespace('Presence', {
      channelNamespaceName: presenceNamespace,
      authorizationConfig: {
        publishAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
        subscribeAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
      },
      publishHandlerConfig: { dataSource: stamp, direct: true },
    });
    this.realtimeUrl = `wss://${this.api.realtimeDns}/event/realtime`;
    this.httpHost = this.api.httpDns;
    this.namespaceArn = `${this.api.apiArn}/channelNamespace/${liveNamespace}`;
    this.eventsUrl = `https://${this.api.httpDns}/event`;

    this.publisher = new AppFunction(this, 'Publisher', {
      entry: 'functions/jobs/publish-changes.ts',
      description: `${config.namePrefix} task change publisher`,
      access: jobFunctionAccess['publish-changes'],
      // Publish on this API's one namespace, nothing else (not connect, not subscribe, no other API).
      targets: { ...targets, liveNamespaceArn: this.namespaceArn },
      environment: {
        ...functionEnvironment(this, { config, targets, trustedIssuers: [] }),
        LIVE_EVENTS_URL: this.eventsUrl,
      },
      retainLogs: !config.isDev,
      timeout: Duration.seconds(30),
    });
    this.publisher.function.addEventSource(
      new DynamoEventSource(targets.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        // A board event is only worth its second: retry briefly, then let it go (a reload shows the truth).
        maxRecordAge: Duration.minutes(1),
        retryAttempts: 3,
        reportBatchItemFailures: true,
        filters: streamFilters.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );
    Validations.of(this.publisher.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Lambda's DynamoDB stream poller needs dynamodb:ListStreams, which IAM cannot scope to a " +
        'stream; GetRecords and the rest are granted on this table’s stream only (DynamoEventSource).',
    });
  }
}
