/**
 * The organization's calls (README "Call records (issue 21)"), newest first: all of them, or one
 * agent's, one UTC day's or one outcome's (the API lists by one at a time, so choosing a filter
 * replaces the other). Cards at every width, so nothing scrolls sideways on a phone.
 */
import { Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';
import type { CallOutcome } from '../../../../functions/api/schemas/calls';
import { useAgentNames } from '../../app/agent-names';
import { CallList } from './call-list';
import { outcomeOptions } from './call-parts';

export function Calls() {
  const { orgId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const agents = useAgentNames(orgId);
  const agentId = search.get('agentId') ?? undefined;
  const day = search.get('day') ?? undefined;
  const outcome = (search.get('outcome') as CallOutcome | null) ?? undefined;
  const only = (name: string, value: string) => setSearch(value ? { [name]: value } : {}, { replace: true });

  return (
    <Stack gap="md">
      <Title order={1}>Calls</Title>
      <Group align="end" gap="sm" wrap="wrap">
        <NativeSelect
          label="Agent"
          data={[{ value: '', label: 'All agents' }, ...agents.options]}
          value={agentId ?? ''}
          onChange={(e) => only('agentId', e.currentTarget.value)}
          w={240}
          maw="100%"
        />
        <TextInput
          type="date"
          label="Day (UTC)"
          value={day ?? ''}
          onChange={(e) => only('day', e.currentTarget.value)}
          w={180}
          maw="100%"
        />
        <NativeSelect
          label="Outcome"
          data={[{ value: '', label: 'Any outcome' }, ...outcomeOptions]}
          value={outcome ?? ''}
          onChange={(e) => only('outcome', e.currentTarget.value)}
          w={200}
          maw="100%"
        />
      </Group>
      <Text size="sm" c="dimmed">
        One filter at a time: choosing one clears the others.
      </Text>
      <CallList
        orgId={orgId}
        filter={{ ...(agentId ? { agentId } : {}), ...(day ? { day } : {}), ...(outcome ? { outcome } : {}) }}
      />
    </Stack>
  );
}
