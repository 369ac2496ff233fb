/**
 * The org's dashboard: tasks per day by type and by status and calls per agent (the tasks
 * summary, read from its counters, in the profile's time zone), calendar sync health (the org's
 * connections for managers, the caller's own for members), a date range, and the summary as CSV;
 * conversations over the same range and the month's token budget (DashboardConversations.tsx).
 * Charts are @mantine/charts (recharts): this page is its own lazy chunk, so they never weigh on
 * the initial load.
 */
import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { can } from '../../../../functions/api/permissions';
import { getCalendarConnection, listOrgCalendarConnections } from '../../../../functions/api/routes/calendar';
import { getTaskSummary } from '../../../../functions/api/routes/tasks';
import { getMyMembership } from '../../../../functions/api/routes/tenancy';
import type { TaskSummary } from '../../../../functions/api/schemas/tasks';
import { taskStatuses, taskTypes } from '../../../../functions/api/schemas/tasks';
import { addDays, wallClock } from '../../../../functions/domain/zoned-time';
import { useAgentNames } from '../../app/agent-names';
import { csvOf, downloadCsv, rangeFileName } from '../../app/csv';
import { useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { useFormat } from '../../app/time';
import { ChartCard, CsvExportButton } from '../../components/charts';
import { Empty, Loaded } from '../../components/feedback';
import { CallsSection } from './DashboardCalls';
import { ConversationsSection } from './DashboardConversations';

/** Today as YYYY-MM-DD in the profile's zone. */
const today = (timeZone: string) => wallClock(timeZone, Date.now()).date;

const typeColors = { call: 'blue.7', email: 'grape.7', other: 'gray.7' } as const;
const statusColors = {
  pending: 'yellow.7',
  in_progress: 'cyan.7',
  completed: 'teal.7',
  failed: 'red.7',
  cancelled: 'gray.6',
} as const;
const statusLabel = (status: string) => status.replace('_', ' ');

/** One row per day and type, counts per status: what the CSV holds. */
function summaryCsv(summary: TaskSummary): string {
  const header = ['date', 'type', ...taskStatuses, 'total'];
  const rows = summary.days.flatMap((day) =>
    taskTypes.map((type) => {
      const counts = taskStatuses.map((s) => day.byType[type][s]);
      return [day.date, type, ...counts, counts.reduce((a, b) => a + b, 0)];
    }),
  );
  return csvOf([header, ...rows]);
}

const download = (summary: TaskSummary) => downloadCsv(rangeFileName('tasks', summary), summaryCsv(summary));

function CallsPerAgent({ orgId, summary }: { orgId: string; summary: TaskSummary }) {
  const agents = useAgentNames(orgId);
  const data = summary.agents.map((agent) => ({
    agent: agents.nameOf(agent.agentId, agents.loading ? '…' : 'Deleted agent'),
    ...agent.byStatus,
  }));
  return (
    <ChartCard
      id="by-agent"
      title="Call tasks per agent"
      empty={
        data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No calls handled by an agent in these days. Calls an agent takes, and tasks of type call with an
            agent set, show here.
          </Text>
        ) : undefined
      }
    >
      <BarChart
        h={Math.max(160, 44 * data.length + 60)}
        data={data}
        dataKey="agent"
        orientation="vertical"
        type="stacked"
        withLegend
        xAxisProps={{ allowDecimals: false }}
        yAxisProps={{ width: 110 }}
        series={taskStatuses.map((s) => ({ name: s, label: statusLabel(s), color: statusColors[s] }))}
      />
    </ChartCard>
  );
}

function Charts({ orgId, summary }: { orgId: string; summary: TaskSummary }) {
  const byType = summary.days.map((day) => ({
    date: day.date.slice(5),
    ...Object.fromEntries(taskTypes.map((t) => [t, taskStatuses.reduce((n, s) => n + day.byType[t][s], 0)])),
  }));
  const byStatus = summary.days.map((day) => ({
    date: day.date.slice(5),
    ...Object.fromEntries(taskStatuses.map((s) => [s, taskTypes.reduce((n, t) => n + day.byType[t][s], 0)])),
  }));
  const total = summary.days.reduce((n, day) => n + day.total, 0);
  if (total === 0) {
    return (
      <Empty
        icon={<IconChartBar size={24} />}
        title="No tasks in these days"
        description="Pick a wider range, or create tasks on the Tasks page; they show here by the day they were created."
      />
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ChartCard id="by-type" title="Tasks per day by type">
        <BarChart
          h={240}
          data={byType}
          dataKey="date"
          type="stacked"
          withLegend
          series={taskTypes.map((t) => ({ name: t, color: typeColors[t] }))}
        />
      </ChartCard>
      <ChartCard id="by-status" title="Tasks per day by status">
        <BarChart
          h={240}
          data={byStatus}
          dataKey="date"
          type="stacked"
          withLegend
          series={taskStatuses.map((s) => ({ name: s, label: statusLabel(s), color: statusColors[s] }))}
        />
      </ChartCard>
      <CallsPerAgent orgId={orgId} summary={summary} />
    </SimpleGrid>
  );
}

function CalendarHealth({ orgId }: { orgId: string }) {
  const format = useFormat();
  const connection = useRoute(getCalendarConnection, { params: { orgId } });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        Calendar sync
      </Title>
      <Loaded query={{ ...connection, data: connection.data?.data }} rows={1}>
        {(c) => {
          const failing = c.status === 'error' || c.status === 'needs_reauth';
          return (
            <Stack gap={4}>
              <Group gap="xs">
                <Badge color={failing ? 'red.9' : c.status === 'not_connected' ? 'gray.8' : 'teal.9'}>
                  {failing ? 'Failing' : c.status === 'not_connected' ? 'Not connected' : 'Connected'}
                </Badge>
                {c.accountEmail && <Text size="sm">{c.accountEmail}</Text>}
              </Group>
              <Text size="sm">
                Last sync: {c.lastSyncedAt ? format.dateTime(c.lastSyncedAt) : 'never'}
                {c.status !== 'not_connected' && ` · ${c.eventCount} events`}
              </Text>
              {c.lastError && (
                <Text size="sm" c="red">
                  {c.lastError}
                </Text>
              )}
            </Stack>
          );
        }}
      </Loaded>
    </Card>
  );
}

/** Managers: how many of the org's connections sync, fail or went stale, and the failing ones. */
function OrgCalendarHealth({ orgId }: { orgId: string }) {
  const format = useFormat();
  const connections = useRoute(listOrgCalendarConnections, { params: { orgId }, query: { limit: 100 } });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        Calendar sync
      </Title>
      <Loaded query={{ ...connections, data: connections.data?.data }} rows={2}>
        {(page) => {
          const count = (health: string) => page.items.filter((c) => c.health === health).length;
          const failing = page.items.filter((c) => c.health === 'failing');
          if (page.items.length === 0)
            return (
              <Text size="sm" c="dimmed">
                No member has connected a Google Calendar yet. Each member connects their own on the Calendar
                page.
              </Text>
            );
          return (
            <Stack gap="sm">
              <Group gap="lg" data-testid="sync-health">
                {(
                  [
                    ['ok', 'Syncing', 'teal.9'],
                    ['failing', 'Failing', 'red.9'],
                    ['stale', 'Stale', 'orange.9'],
                  ] as const
                ).map(([health, label, color]) => (
                  <Stack key={health} gap={0} data-testid={`sync-${health}`}>
                    <Text fw={700} size="xl" c={color}>
                      {count(health)}
                    </Text>
                    <Text size="sm">{label}</Text>
                  </Stack>
                ))}
              </Group>
              {page.nextCursor && (
                <Text size="sm" c="dimmed">
                  Counted over the first {page.items.length} connections.
                </Text>
              )}
              {failing.length > 0 && (
                <div className="table-scroll">
                  <Table aria-label="Failing calendar connections" fz="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Account</Table.Th>
                        <Table.Th>Last sync</Table.Th>
                        <Table.Th>Error</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {failing.map((c) => (
                        <Table.Tr key={c.userId}>
                          <Table.Td>{c.accountEmail ?? c.userId}</Table.Td>
                          <Table.Td>{c.lastSyncedAt ? format.dateTime(c.lastSyncedAt) : 'never'}</Table.Td>
                          <Table.Td>{c.lastError ?? c.status.replace('_', ' ')}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </div>
              )}
            </Stack>
          );
        }}
      </Loaded>
    </Card>
  );
}

export function Dashboard() {
  const { orgId } = useParams() as { orgId: string };
  const { profile } = useSession();
  const me = useRoute(getMyMembership, { params: { orgId } });
  const role = me.data?.data.role;
  const end = today(profile.timezone);
  const [from, setFrom] = useState(addDays(end, -13));
  const [to, setTo] = useState(end);
  // The API counts [from, to): the picker's last day is included, so ask for the day after it.
  const summary = useRoute(getTaskSummary, {
    params: { orgId },
    query: { from, to: addDays(to, 1), tz: profile.timezone },
  });
  return (
    <Stack maw={1100} gap="lg">
      <Group justify="space-between" align="end" wrap="wrap">
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <Group align="end" wrap="wrap" gap="sm">
          <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          <CsvExportButton data={summary.data?.data} download={download}>
            Export CSV
          </CsvExportButton>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Tasks by the day they were created, in your time zone ({profile.timezone}).
      </Text>
      <Loaded query={{ ...summary, data: summary.data?.data }} rows={4}>
        {(s) => <Charts orgId={orgId} summary={s} />}
      </Loaded>
      <CallsSection orgId={orgId} from={from} to={addDays(to, 1)} />
      <ConversationsSection orgId={orgId} from={from} to={addDays(to, 1)} tz={profile.timezone} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {role &&
          (can(role, 'calendar:readOthers') ? (
            <OrgCalendarHealth orgId={orgId} />
          ) : (
            can(role, 'calendar:readOwn') && <CalendarHealth orgId={orgId} />
          ))}
      </SimpleGrid>
    </Stack>
  );
}
