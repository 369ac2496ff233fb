/**
 * Background calendar sync: EventBridge Scheduler runs the dispatcher every few minutes; it
 * queries the connections that are due and sends them to SQS; the worker syncs them in batches,
 * reporting per-message failures so one bad connection does not retry the batch, with a DLQ after
 * five receives. The worker's reserved concurrency caps parallel calls into Google's quotas.
 */
import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import type { AccessTargets } from './access-policy';
import { AppFunction } from './constructs/app-function';
import { dispatchEveryMinutes, functionEnvironment } from './environment';
import { jobFunctionAccess } from './function-access';
import { wildcardUnder } from './nag';

export interface SyncStackProps extends StackProps {
  config: DeployConfig;
  targets: AccessTargets;
  /** The pool whose app clients of deleted orgs the worker deletes; absent with PropelAuth. */
  userPoolId?: string;
}

/** Google allows a few parallel users per project comfortably; more only queues longer. */
export const workerConcurrency = 5;
const workerTimeout = Duration.minutes(2);

export class SyncStack extends Stack {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: AppFunction;
  readonly worker: AppFunction;
  readonly schedule: Schedule;
  /** The access targets with this stack's queue, for every function that sends to or reads it. */
  readonly targets: AccessTargets;

  constructor(scope: Construct, id: string, props: SyncStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      // AWS guidance for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.targets = { ...props.targets, syncQueue: this.queue };
    // The jobs take no requests, so they trust no token issuer.
    const environment = functionEnvironment(this, { config, targets: this.targets, trustedIssuers: [] });

    this.dispatcher = new AppFunction(this, 'Dispatcher', {
      entry: 'functions/jobs/sync-dispatcher.ts',
      description: `${config.namePrefix} calendar sync dispatcher`,
      access: jobFunctionAccess['sync-dispatcher'],
      targets: this.targets,
      environment,
      retainLogs: !config.isDev,
      timeout: Duration.minutes(1),
    });
    this.worker = new AppFunction(this, 'Worker', {
      entry: 'functions/jobs/sync-worker.ts',
      description: `${config.namePrefix} calendar sync worker`,
      access: jobFunctionAccess['sync-worker'],
      targets: this.targets,
      environment: { ...environment, ...(props.userPoolId ? { USER_POOL_ID: props.userPoolId } : {}) },
      retainLogs: !config.isDev,
      timeout: workerTimeout,
      reservedConcurrentExecutions: workerConcurrency,
    });
    this.worker.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: workerConcurrency,
      }),
    );

    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets EventBridge Scheduler invoke the sync dispatcher',
    });
    Validations.of(schedulerRole).acknowledge({
      id: wildcardUnder(this.dispatcher.function, ':*'),
      reason:
        'The scheduler target grants invoke on the dispatcher and its versions (`<arn>:*`), as ' +
        'aws-scheduler-targets generates it; the wildcard covers only that one function.',
    });
    this.schedule = new Schedule(this, 'DispatchSchedule', {
      description: 'Finds calendar connections due for sync and queues them',
      schedule: ScheduleExpression.rate(Duration.minutes(dispatchEveryMinutes)),
      // A missed run is covered by the next one; retrying late would only duplicate it.
      target: new LambdaInvoke(this.dispatcher.function, {
        role: schedulerRole,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
  }
}
