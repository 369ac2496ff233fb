/**
 * The dashboard's call figures from the call records (README "Call records (issue 21)"), not from
 * tasks of type call: how many calls, their minutes and average duration, how they ended, and
 * their estimated cost, over the dashboard's days (UTC days, as calls are filed by).
 */
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { getCallSummary } from '../../../../functions/api/routes/calls';
import { callOutcomes } from '../../../../functions/api/schemas/calls';
import { useRoute } from '../../app/queries';
import { Loaded } from '../../components/feedback';
import { dollars, duration, outcomeLabels } from './call-parts';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text fw={700} size="xl">
        {value}
      </Text>
      <Text size="sm">{label}</Text>
    </Stack>
  );
}

export function CallsSection({ orgId, from, to }: { orgId: string; from: string; to: string }) {
  const summary = useRoute(getCallSummary, { params: { orgId }, query: { from, to } });
  return (
    <Card withBorder component="section" aria-labelledby="calls-heading" data-testid="call-figures">
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={2} size="h4" id="calls-heading">
          Calls
        </Title>
        <Anchor component={Link} to={`/orgs/${orgId}/calls`} size="sm">
          All calls
        </Anchor>
      </Group>
      <Loaded query={{ ...summary, data: summary.data?.data }} rows={2}>
        {(s) => (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
              <Figure testId="call-count" label="Calls" value={String(s.calls)} />
              <Figure testId="call-minutes" label="Minutes" value={(s.seconds / 60).toFixed(1)} />
              <Figure testId="call-average" label="Average duration" value={duration(s.averageSeconds)} />
              <Figure testId="call-cost" label="Estimated cost" value={dollars(s.costMicros)} />
            </SimpleGrid>
            <Group gap="xs" wrap="wrap" aria-label="Outcomes" role="list">
              {callOutcomes.map((o) => (
                <Badge key={o} role="listitem" variant="light" color={s.outcomes[o] ? 'blue' : 'gray'}>
                  {outcomeLabels[o]}: {s.outcomes[o] ?? 0}
                </Badge>
              ))}
            </Group>
            <Text size="xs" c="dimmed">
              Calls started on the UTC days shown; cost estimated from the providers&rsquo; list prices.
            </Text>
          </Stack>
        )}
      </Loaded>
    </Card>
  );
}
