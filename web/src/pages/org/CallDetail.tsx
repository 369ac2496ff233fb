/**
 * One call (README "Call records (issue 21)"): who, when, how long and how it ended; its transcript
 * turn by turn with times (sentences the worker spoke itself marked as such), the tool calls with
 * their arguments and results, the usage per component and the estimated cost line by line, with
 * the price table's date and sources. Tables sit in scrolling boxes of their own on a phone.
 */
import { Anchor, Badge, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { getCall } from '../../../../functions/api/routes/calls';
import type { CallDetail as Detail } from '../../../../functions/api/schemas/calls';
import { useAgentNames } from '../../app/agent-names';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Loaded } from '../../components/feedback';
import { dollars, duration, OutcomeBadge, outcomeLabels } from './call-parts';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

const componentLabels = {
  stt: 'Speech to text',
  llm_input: 'Model input',
  llm_output: 'Model output',
  tts: 'Text to speech',
  telephony: 'Telephony',
} as const;

function CallView({ orgId, detail }: { orgId: string; detail: Detail }) {
  const { call, transcript, toolCalls } = detail;
  const format = useFormat();
  const agents = useAgentNames(orgId);
  const time = (iso: string) => format.dateTime(iso);
  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="center" wrap="wrap">
        <Title order={1} size="h2">
          {call.via === 'phone' ? 'Phone call' : 'Test call'} with {agents.nameOf(call.agentId, 'an agent')}
        </Title>
        <OutcomeBadge outcome={call.outcome} />
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
          <Field label="Agent">
            <Anchor component={Link} to={`/orgs/${orgId}/agents/${call.agentId}`}>
              {agents.nameOf(call.agentId, 'Deleted agent')}
            </Anchor>
          </Field>
          <Field label="Direction">{call.direction === 'inbound' ? 'Inbound' : 'Outbound'}</Field>
          <Field label="From → to">
            {call.from ?? '—'} → {call.to ?? '—'}
          </Field>
          <Field label="Started">{time(call.startedAt)}</Field>
          <Field label="Duration">{duration(call.durationSeconds)}</Field>
          <Field label="End reason">
            {call.endReason ? outcomeLabels[call.endReason] : 'Still on'}
            {call.endDetail ? ` (${call.endDetail})` : ''}
          </Field>
          <Field label="Estimated cost">{dollars(call.cost.totalMicros)}</Field>
          {call.taskId && (
            <Field label="Task">
              <Anchor component={Link} to={`/orgs/${orgId}/tasks/${call.taskId}`}>
                The call&rsquo;s task
              </Anchor>
            </Field>
          )}
          <Field label="Transcript">
            <Anchor
              component={Link}
              to={`/orgs/${orgId}/chat?agentId=${call.agentId}&conversationId=${call.conversationId}`}
            >
              As a conversation
            </Anchor>
          </Field>
        </SimpleGrid>
      </Card>

      <Stack gap="xs" component="section" aria-labelledby="transcript-heading">
        <Title order={2} size="h4" id="transcript-heading">
          Transcript
        </Title>
        {transcript.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing was said on this call, or the worker did not record it.
          </Text>
        ) : (
          <Stack
            gap="xs"
            component="ol"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
            aria-label="Transcript turns"
          >
            {transcript.map((turn) => (
              <Card component="li" key={turn.id} withBorder padding="sm">
                <Group gap="xs" mb={4} wrap="wrap">
                  <Text size="sm" fw={600}>
                    {turn.role === 'user' ? 'Caller' : 'Agent'}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {time(turn.at)}
                  </Text>
                  {turn.scripted && (
                    <Badge size="xs" variant="outline" color="gray">
                      Spoken by the worker
                    </Badge>
                  )}
                  {turn.status === 'failed' && (
                    <Badge size="xs" color="red" variant="light">
                      No answer from the model
                    </Badge>
                  )}
                </Group>
                <Text size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
                  {turn.text || '—'}
                </Text>
              </Card>
            ))}
          </Stack>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="tools-heading">
        <Title order={2} size="h4" id="tools-heading">
          Tool calls
        </Title>
        {toolCalls.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tools were used on this call.
          </Text>
        ) : (
          toolCalls.map((tool) => (
            <Card key={tool.id} withBorder padding="sm">
              <Group gap="xs" mb={4} wrap="wrap">
                <Text size="sm" fw={600}>
                  {tool.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {time(tool.at)} · {tool.by === 'worker' ? 'by the worker' : 'by the platform'}
                </Text>
              </Group>
              <Text size="xs">Arguments</Text>
              <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
                {JSON.stringify(tool.arguments, null, 2)}
              </Code>
              <Text size="xs" mt={4}>
                Result
              </Text>
              <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
                {JSON.stringify(tool.result, null, 2)}
              </Code>
            </Card>
          ))
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="usage-heading">
        <Title order={2} size="h4" id="usage-heading">
          Usage and estimated cost
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
          <Field label="Speech to text">{Math.round(call.usage.sttSeconds)} s</Field>
          <Field label="Model input">{call.usage.llmInputTokens.toLocaleString()} tokens</Field>
          <Field label="Model output">{call.usage.llmOutputTokens.toLocaleString()} tokens</Field>
          <Field label="Text to speech">{call.usage.ttsCharacters.toLocaleString()} characters</Field>
          <Field label="Telephony">{(call.usage.telephonySeconds / 60).toFixed(1)} min</Field>
        </SimpleGrid>
        <div className="table-scroll">
          <Table aria-label="Estimated cost" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Component</Table.Th>
                <Table.Th>Priced as</Table.Th>
                <Table.Th>Quantity</Table.Th>
                <Table.Th>Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {call.cost.lines.map((line) => (
                <Table.Tr key={line.component}>
                  <Table.Td>{componentLabels[line.component]}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{line.item}</Table.Td>
                  <Table.Td>
                    {Math.round(line.quantity).toLocaleString()} {line.unit}s
                  </Table.Td>
                  <Table.Td>{dollars(line.amountMicros)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Td fw={600}>Total</Table.Td>
                <Table.Td />
                <Table.Td />
                <Table.Td fw={600}>{dollars(call.cost.totalMicros)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </div>
        <Text size="xs" c="dimmed">
          Prices as of {call.cost.pricesAsOf}: {call.cost.pricesSource}. An estimate, not an invoice.
        </Text>
      </Stack>
    </Stack>
  );
}

export function CallDetail() {
  const { orgId = '', callId = '' } = useParams();
  const detail = useRoute(getCall, { params: { orgId, callId } });
  return (
    <Loaded query={{ ...detail, data: detail.data?.data }} rows={6}>
      {(d) => <CallView orgId={orgId} detail={d} />}
    </Loaded>
  );
}
