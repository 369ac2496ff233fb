/**
 * Alarms for what needs a person: the API answering 5xx, any function failing or throttled, a
 * calendar sync message in the dead-letter queue, and sync errors logged by the worker. They
 * notify an encrypted SNS topic when alarmEmail is set; the dashboard shows the same signals.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import type { ApiStack } from './api-stack';
import type { AppFunction } from './constructs/app-function';
import type { SyncStack } from './sync-stack';

export interface ObservabilityStackProps extends StackProps {
  config: DeployConfig;
  api: ApiStack;
  sync: SyncStack;
}

const period = Duration.minutes(5);

export class ObservabilityStack extends Stack {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config, api, sync } = props;
    const topic = config.alarmEmail ? this.alarmTopic(config.alarmEmail) : undefined;
    const alarm = (aid: string, alarmProps: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, aid, {
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...alarmProps,
        alarmName: `${config.namePrefix}-${alarmProps.alarmName}`,
      });
      if (topic) created.addAlarmAction(new SnsAction(topic));
      this.alarms.push(created);
      return created;
    };

    const requests = api.stage.metricCount({ period, statistic: 'Sum' });
    const serverErrors = api.stage.metricServerError({ period, statistic: 'Sum' });
    // A rate, not a count, so a busy hour does not page for the odd error; quiet periods never page.
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period,
      label: 'API 5xx %',
    });
    alarm('Api5xx', {
      alarmName: 'api-5xx-rate',
      alarmDescription: 'More than 5% of API requests answered 5xx over 10 minutes.',
      metric: serverErrorRate,
      threshold: 5,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const functions: [string, AppFunction][] = [
      ...[...api.functions].map(([module, fn]) => [`http-${module}`, fn] as [string, AppFunction]),
      ['sync-dispatcher', sync.dispatcher],
      ['sync-worker', sync.worker],
    ];
    for (const [name, fn] of functions) {
      // One alarm per function on failures plus throttles keeps the alarm count (and bill) linear.
      alarm(`${name}-Failures`, {
        alarmName: `${name}-errors-throttles`,
        alarmDescription: `${name}: invocations failed (unhandled error or timeout) or were throttled.`,
        metric: new MathExpression({
          expression: 'errors + throttles',
          usingMetrics: {
            errors: fn.function.metricErrors({ period, statistic: 'Sum' }),
            throttles: fn.function.metricThrottles({ period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    alarm('SyncDeadLetters', {
      alarmName: 'sync-dlq-depth',
      alarmDescription: 'Calendar sync messages failed five times and wait in the dead-letter queue.',
      metric: sync.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const syncErrors = new MetricFilter(this, 'SyncErrorLogs', {
      logGroup: sync.worker.logGroup,
      filterPattern: FilterPattern.stringValue('$.level', '=', 'error'),
      metricNamespace: `AgentControlPlane/${config.stage}`,
      metricName: 'SyncErrors',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: Duration.minutes(15), statistic: 'Sum' });
    alarm('SyncFailures', {
      alarmName: 'sync-failures',
      alarmDescription: 'The sync worker logged 5 or more errors in 15 minutes (Google down, bad tokens).',
      metric: syncErrors,
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const sumOf = (metric: (fn: AppFunction) => Metric) => functions.map(([, fn]) => metric(fn));
    new Dashboard(this, 'Dashboard', {
      dashboardName: `${config.namePrefix}-overview`,
      widgets: [
        [
          new GraphWidget({ title: 'API requests', left: [requests], right: [serverErrorRate] }),
          new GraphWidget({
            title: 'API latency (p50, p99)',
            left: [
              api.stage.metricLatency({ period, statistic: 'p50' }),
              api.stage.metricLatency({ period, statistic: 'p99' }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            left: sumOf((fn) => fn.function.metricErrors({ period, statistic: 'Sum' })),
          }),
          new GraphWidget({
            title: 'Function duration p99',
            left: sumOf((fn) => fn.function.metricDuration({ period, statistic: 'p99' })),
          }),
        ],
        [
          new GraphWidget({
            title: 'Sync queue',
            left: [
              sync.queue.metricApproximateNumberOfMessagesVisible({ period }),
              sync.queue.metricApproximateAgeOfOldestMessage({ period }),
            ],
            right: [sync.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period })],
          }),
          new GraphWidget({ title: 'Sync errors logged', left: [syncErrors] }),
        ],
      ],
    });
  }

  /** CloudWatch can only publish to an encrypted topic whose key it may use: a customer key. */
  private alarmTopic(email: string): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts alarm notifications',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
