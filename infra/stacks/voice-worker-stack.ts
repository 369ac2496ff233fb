/**
 * The LiveKit Agents voice worker (README "Voice worker (issue 21)"): an ECS Fargate service on arm64
 * built from worker/Dockerfile. It only dials out (to LiveKit, the providers and the platform's API),
 * so its tasks sit in public subnets with a public address and a security group that admits nothing:
 * no NAT gateway and no load balancer to pay for. LiveKit's key and the runtime client's secret come
 * from Secrets Manager; it scales on CPU and on its own call load, and a task holding calls protects
 * itself from scale-in and deployments until they end.
 */
import { Arn, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { FlowLogDestination, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { loadMetricName, loadMetricNamespace } from '../../worker/src/load-metric';
import type { DeployConfig } from '../config';
import { logicalIdOf } from './nag';
import { projectRoot } from './paths';

/** The port of the framework's health server (`/`: 200 while registered with LiveKit). */
export const workerHealthPort = 8081;
/** Calls one task holds; LiveKit offers the next job to another worker when a task is full. */
export const callsPerTask = 8;

export interface VoiceWorkerStackProps extends StackProps {
  config: DeployConfig & { livekit: NonNullable<DeployConfig['livekit']> };
  /** The platform's API as the worker reaches it: through CloudFront, which adds the origin secret. */
  apiUrl: string;
  tokenUrl: string;
  runtimeClientId: string;
  runtimeClientSecret: ISecret;
}

export class VoiceWorkerStack extends Stack {
  readonly service: FargateService;
  readonly taskDefinition: FargateTaskDefinition;

  constructor(scope: Construct, id: string, props: VoiceWorkerStackProps) {
    super(scope, id, props);
    const { config } = props;

    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC }],
      flowLogs: { rejected: { destination: FlowLogDestination.toCloudWatchLogs() } },
    });
    const outboundOnly = new SecurityGroup(this, 'OutboundOnly', {
      vpc,
      description: 'Voice worker: outbound only (LiveKit, speech providers, the platform API)',
      allowAllOutbound: true,
    });
    const cluster = new Cluster(this, 'Cluster', {
      vpc,
      clusterName: `${config.namePrefix}-voice`,
      containerInsightsV2: ContainerInsights.ENABLED,
    });

    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 1024,
      memoryLimitMiB: 2048,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const livekitSecret = Secret.fromSecretNameV2(this, 'LivekitSecret', config.livekit.secretName);
    const logs = new LogGroup(this, 'Logs', {
      retention: config.isDev ? RetentionDays.ONE_WEEK : RetentionDays.THREE_MONTHS,
    });
    this.taskDefinition.addContainer('Worker', {
      image: ContainerImage.fromAsset(projectRoot, {
        file: 'worker/Dockerfile',
        platform: Platform.LINUX_ARM64,
      }),
      logging: LogDrivers.awsLogs({ streamPrefix: 'voice-worker', logGroup: logs }),
      environment: {
        LIVEKIT_URL: config.livekit.url,
        PLATFORM_API_URL: props.apiUrl,
        TOKEN_URL: props.tokenUrl,
        RUNTIME_CLIENT_ID: props.runtimeClientId,
        MAX_CONCURRENT_CALLS: String(callsPerTask),
        HEALTH_PORT: String(workerHealthPort),
        METRIC_SERVICE: `${config.namePrefix}-voice-worker`,
      },
      secrets: {
        LIVEKIT_API_KEY: EcsSecret.fromSecretsManager(livekitSecret, 'apiKey'),
        LIVEKIT_API_SECRET: EcsSecret.fromSecretsManager(livekitSecret, 'apiSecret'),
        RUNTIME_CLIENT_SECRET: EcsSecret.fromSecretsManager(props.runtimeClientSecret),
      },
      portMappings: [{ containerPort: workerHealthPort }],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${workerHealthPort}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // Fargate's longest: SIGTERM starts the worker's drain; scale-in protection keeps busy tasks
      // from being stopped at all until their calls end.
      stopTimeout: Duration.seconds(120),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret settings (URLs, client id, limits); the LiveKit key ' +
        'and the runtime client secret come from Secrets Manager through the container secrets.',
    });

    // The task marks itself protected while it holds calls (worker/src/task-protection.ts).
    const tasksOfCluster = Arn.format(
      { service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` },
      this,
    );
    this.taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({
        actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        resources: [tasksOfCluster],
      }),
    );
    Validations.of(this.taskDefinition).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<${logicalIdOf(cluster)}>/*]`,
        reason:
          'A task protects itself; its own task id is only known at run time, so it names the cluster’s tasks.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'The execution role’s ecr:GetAuthorizationToken, which takes no resource, to pull the image.',
      },
    );

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [outboundOnly],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: config.isDev ? 2 : 20 });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(1),
    });
    scaling.scaleToTrackCustomMetric('CallLoad', {
      metric: new Metric({
        namespace: loadMetricNamespace,
        metricName: loadMetricName,
        dimensionsMap: { Service: `${config.namePrefix}-voice-worker` },
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      targetValue: 60,
      scaleInCooldown: Duration.minutes(10),
      scaleOutCooldown: Duration.minutes(1),
    });
  }
}
