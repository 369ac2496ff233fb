/**
 * The worker's own load as a CloudWatch metric, in the embedded metric format: one JSON line on
 * stdout, which the awslogs driver ships and CloudWatch turns into `VoiceWorker/CallLoad` by `Service`
 * (percent of MAX_CONCURRENT_CALLS in use) for the service's target-tracking policy. No SDK call, no extra IAM.
 */
export const loadMetricNamespace = 'VoiceWorker';
export const loadMetricName = 'CallLoad';
const everyMs = 60_000;

export function loadMetricReporter(
  maxConcurrentCalls: number,
  service = process.env.METRIC_SERVICE ?? 'voice-worker',
  write: (line: string) => void = (line) => process.stdout.write(line),
) {
  let last = 0;
  return (activeCalls: number, now = Date.now()): number => {
    const load = activeCalls / maxConcurrentCalls;
    if (now - last >= everyMs) {
      last = now;
      write(
        `${JSON.stringify({
          _aws: {
            Timestamp: now,
            CloudWatchMetrics: [
              {
                Namespace: loadMetricNamespace,
                Dimensions: [['Service']],
                Metrics: [
                  { Name: loadMetricName, Unit: 'Percent' },
                  { Name: 'ActiveCalls', Unit: 'Count' },
                ],
              },
            ],
          },
          Service: service,
          [loadMetricName]: Math.round(load * 100),
          ActiveCalls: activeCalls,
        })}\n`,
      );
    }
    return load;
  };
}
