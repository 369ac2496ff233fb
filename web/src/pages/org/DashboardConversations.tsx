/**
 * The dashboard's conversations section: conversations and replies per day, replies per agent,
 * average reply latency and tokens per day (the conversations summary, read from its counters, in
 * the profile's zone, for the dashboard's date range), the month's model tokens against the
 * plan's budget, and the summary as CSV. Part of the dashboard's lazy chunk.
 */
import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { getConversationSummary, getConversationUsage } from '../../../../functions/api/routes/conversations';
import type { ConversationSummary, ConversationUsage } from '../../../../functions/api/schemas/conversations';
import { useAgentNames } from '../../app/agent-names';
import { csvOf, downloadCsv, rangeFileName } from '../../app/csv';
import { useRoute } from '../../app/queries';
import { ChartCard, CsvExportButton } from '../../components/charts';
import { Empty, Loaded } from '../../components/feedback';

const number = new Intl.NumberFormat('en-US');

/** One row per day: what the CSV holds. */
function summaryCsv(summary: ConversationSummary): string {
  const header = [
    'date',
    'conversations',
    'answered',
    'failed',
    'average_latency_ms',
    'input_tokens',
    'output_tokens',
  ];
  const rows = summary.days.map((d) => [
    d.date,
    d.conversations,
    d.answered,
    d.failed,
    d.averageLatencyMs ?? '',
    d.inputTokens,
    d.outputTokens,
  ]);
  return csvOf([header, ...rows]);
}

const download = (summary: ConversationSummary) =>
  downloadCsv(rangeFileName('conversations', summary), summaryCsv(summary));

/** The share of the budget from which the bar warns, and from which it alarms. */
const warnAt = 0.8;
const alarmAt = 0.95;

function TokenBudget({ usage }: { usage: ConversationUsage }) {
  const share = usage.monthlyTokens ? usage.usedTokens / usage.monthlyTokens : 1;
  const color = share >= alarmAt ? 'red.8' : share >= warnAt ? 'orange.8' : 'teal.8';
  const percent = Math.min(100, Math.round(share * 1000) / 10);
  return (
    <Card withBorder data-testid="token-budget">
      <Title order={2} size="h4" mb="xs">
        Model tokens this month
      </Title>
      <Stack gap="xs">
        <Text size="sm" data-testid="token-usage">
          {number.format(usage.usedTokens)} of {number.format(usage.monthlyTokens)} tokens used ({percent}%)
        </Text>
        <Progress
          value={percent}
          color={color}
          size="lg"
          // Worded without "to": the page's date inputs are found by the label "To".
          aria-label={`Monthly model budget used: ${percent}% (${usage.plan} plan)`}
        />
        <Text size="sm" c={share >= warnAt ? color : 'dimmed'}>
          {share >= 1
            ? `The ${usage.plan} plan's budget is spent: agents answer no more messages until it renews on the 1st (UTC).`
            : share >= warnAt
              ? `Nearly spent: ${number.format(usage.remainingTokens)} tokens left on the ${usage.plan} plan until the 1st (UTC).`
              : `${number.format(usage.remainingTokens)} left on the ${usage.plan} plan; renews on the 1st (UTC).`}
        </Text>
      </Stack>
    </Card>
  );
}

function Totals({ summary }: { summary: ConversationSummary }) {
  const sum = (pick: (d: ConversationSummary['days'][number]) => number) =>
    summary.days.reduce((n, d) => n + pick(d), 0);
  const answered = sum((d) => d.answered);
  const stats = [
    ['conversations', 'Conversations', number.format(sum((d) => d.conversations))],
    ['answered', 'Replies', number.format(answered)],
    ['failed', 'Failed replies', number.format(sum((d) => d.failed))],
    [
      'latency',
      'Average latency',
      answered ? `${number.format(Math.round(sum((d) => d.latencyMs) / answered))} ms` : '–',
    ],
    ['tokens', 'Tokens', number.format(sum((d) => d.inputTokens + d.outputTokens))],
  ] as const;
  return (
    <Group gap="xl" data-testid="conversation-totals">
      {stats.map(([key, label, value]) => (
        <Stack key={key} gap={0} data-testid={`conversations-${key}`}>
          <Text fw={700} size="xl">
            {value}
          </Text>
          <Text size="sm">{label}</Text>
        </Stack>
      ))}
    </Group>
  );
}

const activitySeries = [
  { name: 'conversations', color: 'blue.7' },
  { name: 'answered', label: 'replies', color: 'teal.7' },
  { name: 'failed', label: 'failed', color: 'red.7' },
];

function ConversationsPerAgent({ orgId, summary }: { orgId: string; summary: ConversationSummary }) {
  const agents = useAgentNames(orgId);
  const data = summary.agents.map((agent) => ({
    agent: agents.nameOf(agent.agentId, agents.loading ? '…' : 'Deleted agent'),
    conversations: agent.conversations,
    answered: agent.answered,
    failed: agent.failed,
  }));
  return (
    <ChartCard id="conversations-by-agent" title="Conversations per agent">
      <BarChart
        h={Math.max(160, 56 * data.length + 60)}
        data={data}
        dataKey="agent"
        orientation="vertical"
        withLegend
        xAxisProps={{ allowDecimals: false }}
        yAxisProps={{ width: 110 }}
        series={activitySeries}
      />
    </ChartCard>
  );
}

function Charts({ orgId, summary }: { orgId: string; summary: ConversationSummary }) {
  const days = summary.days.map((d) => ({ ...d, date: d.date.slice(5) }));
  const active = summary.days.some((d) => d.conversations + d.answered + d.failed > 0);
  if (!active) {
    return (
      <Empty
        icon={<IconMessages size={24} />}
        title="No conversations in these days"
        description="Pick a wider range, or chat with an agent on the Chat page; conversations show here by the day they started, replies by the day they were given."
      />
    );
  }
  return (
    <Stack gap="md">
      <Totals summary={summary} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ChartCard id="conversations-per-day" title="Conversations and replies per day">
          <BarChart h={240} data={days} dataKey="date" withLegend series={activitySeries} />
        </ChartCard>
        <ConversationsPerAgent orgId={orgId} summary={summary} />
        <ChartCard id="tokens-per-day" title="Tokens per day">
          <BarChart
            h={220}
            data={days}
            dataKey="date"
            type="stacked"
            withLegend
            series={[
              { name: 'inputTokens', label: 'input', color: 'indigo.7' },
              { name: 'outputTokens', label: 'output', color: 'grape.7' },
            ]}
          />
        </ChartCard>
        <ChartCard id="latency-per-day" title="Average reply latency per day (ms)">
          <LineChart
            h={220}
            data={days}
            dataKey="date"
            connectNulls
            series={[{ name: 'averageLatencyMs', label: 'average latency (ms)', color: 'orange.8' }]}
          />
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}

/** `to` is the day after the last one shown, as the API counts [from, to). */
export function ConversationsSection({
  orgId,
  from,
  to,
  tz,
}: {
  orgId: string;
  from: string;
  to: string;
  tz: string;
}) {
  const summary = useRoute(getConversationSummary, { params: { orgId }, query: { from, to, tz } });
  const usage = useRoute(getConversationUsage, { params: { orgId }, query: {} });
  return (
    <Stack gap="md" component="section" aria-labelledby="conversations-heading">
      <Group justify="space-between" align="end" wrap="wrap">
        <Title order={2} size="h3" id="conversations-heading">
          Conversations
        </Title>
        <CsvExportButton data={summary.data?.data} download={download}>
          Export conversations CSV
        </CsvExportButton>
      </Group>
      <Loaded query={{ ...usage, data: usage.data?.data }} rows={2}>
        {(u) => <TokenBudget usage={u} />}
      </Loaded>
      <Loaded query={{ ...summary, data: summary.data?.data }} rows={4}>
        {(s) => <Charts orgId={orgId} summary={s} />}
      </Loaded>
    </Stack>
  );
}
