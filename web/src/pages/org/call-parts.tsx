/**
 * What the call screens share (README "Call records (issue 21)"): how an outcome, a duration and an
 * estimated cost read, and a call's card for the lists (the Calls page and an agent's Calls tab).
 */
import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Call, CallOutcome } from '../../../../functions/api/schemas/calls';

export const outcomeLabels: Record<CallOutcome, string> = {
  in_progress: 'In progress',
  caller_hung_up: 'Caller hung up',
  agent_ended: 'Agent ended',
  transfer: 'Transferred',
  error: 'Error',
  no_answer: 'No answer',
};

/** The task board's badge colours, whose light variants meet the contrast bar. */
const outcomeColors: Record<CallOutcome, string> = {
  in_progress: 'blue',
  caller_hung_up: 'gray',
  agent_ended: 'gray',
  transfer: 'blue',
  error: 'red',
  no_answer: 'orange',
};

export const outcomeOptions = Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }));

/** 95 seconds as "1:35". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Millionths of a dollar as dollars: four decimals, since a call costs fractions of a cent. */
export function dollars(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(4)}`;
}

export function OutcomeBadge({ outcome }: { outcome: CallOutcome }) {
  return (
    <Badge variant="light" color={outcomeColors[outcome]} aria-label={`Outcome: ${outcomeLabels[outcome]}`}>
      {outcomeLabels[outcome]}
    </Badge>
  );
}

export function CallCard({
  orgId,
  call,
  agentName,
  when,
}: {
  orgId: string;
  call: Call;
  agentName: string;
  when: string;
}) {
  const numbers = [call.from, call.to].every((n) => n === null)
    ? null
    : `${call.from ?? '?'} → ${call.to ?? '?'}`;
  return (
    <Group justify="space-between" gap="sm" wrap="wrap">
      <Stack gap={2} miw={0}>
        <Anchor component={Link} to={`/orgs/${orgId}/calls/${call.id}`} fw={600}>
          {agentName} · {when}
        </Anchor>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {[
            call.via === 'phone' ? 'Phone call' : 'Test call',
            numbers,
            `${duration(call.durationSeconds)} long`,
            `${dollars(call.cost.totalMicros)} estimated`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      </Stack>
      <OutcomeBadge outcome={call.outcome} />
    </Group>
  );
}
