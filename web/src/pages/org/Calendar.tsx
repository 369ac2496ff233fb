/**
 * The caller's Google Calendar in one org: the connection (status, account, last sync, connect,
 * sync now, disconnect, reconnect), the synced events as a list or a week grid, and a finder of
 * free slots shared by several members. Every day and time is in the profile's time zone.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  DataList,
  Grid,
  Group,
  Input,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconCalendarEvent,
  IconCalendarOff,
  IconChevronLeft,
  IconChevronRight,
  IconClockSearch,
  IconMapPin,
  IconPlugConnected,
  IconRefresh,
} from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import * as z from 'zod/mini';
import { can } from '../../../../functions/api/permissions';
import {
  authorizeGoogleCalendar,
  disconnectCalendar,
  getAvailability,
  getCalendarConnection,
  listCalendarEvents,
  syncCalendarNow,
} from '../../../../functions/api/routes/calendar';
import { getMyMembership, listMembers } from '../../../../functions/api/routes/tenancy';
import {
  AvailabilityQuery,
  type CalendarConnectionView,
  type CalendarEvent,
} from '../../../../functions/api/schemas/calendar';
import { addDays, instantOf, wallClock } from '../../../../functions/domain/zoned-time';
import { ApiError, problemText } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { routeKey, useChange, useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, Empty, Loaded, ProblemAlert } from '../../components/feedback';

// ---------------------------------------------------------------------------------------------
// Days in a time zone: a day is its ISO date (YYYY-MM-DD) in the zone (functions/domain/zoned-time).

const dayMs = 86_400_000;

/** The ISO date the instant falls on in the zone. */
const dayIn = (ms: number, timeZone: string) => wallClock(timeZone, ms).date;

/** The instant a day starts in the zone. */
const startOfDay = (day: string, timeZone: string) => instantOf(timeZone, day, 0);

/** Monday of the day's week. */
function mondayOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** Saturday or Sunday. */
function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** An event's share of one day: all-day dates compare as dates, timed events as instants. */
function onDay(event: CalendarEvent, day: string, timeZone: string): boolean {
  if (event.allDay) return event.start <= day && day < event.end;
  const start = startOfDay(day, timeZone);
  const end = startOfDay(addDays(day, 1), timeZone);
  const eventStart = Date.parse(event.start);
  const eventEnd = Date.parse(event.end);
  return eventStart < end && (eventEnd > start || (eventEnd === eventStart && eventStart >= start));
}

function useDayLabel() {
  const format = useFormat();
  // Noon of the day in the zone always formats as that day.
  return (day: string) => format.date(new Date(startOfDay(day, format.timeZone) + dayMs / 2).toISOString());
}

// ---------------------------------------------------------------------------------------------
// What Google's redirect back means.

type Outcome = 'connected' | 'denied' | 'failed' | 'wrong_account';

/**
 * Where the tab keeps the last sync it knew of while Google's consent is open: the page coming back
 * tells the connection's own first sync from one before a reconnect (both show as lastSyncedAt).
 */
const syncBeforeConnectKey = (orgId: string) => `calendar-sync-before-connect:${orgId}`;

function OutcomeMessage({ outcome, email, onClose }: { outcome: Outcome; email: string; onClose(): void }) {
  const messages: Record<Outcome, { color: string; title: string; text: string }> = {
    connected: {
      color: 'blue',
      title: 'Google Calendar connected',
      text: 'The first sync is on its way; your events appear below as soon as it finishes.',
    },
    denied: {
      color: 'blue',
      title: 'Not connected',
      text: 'Google access was not granted. Connect again and allow calendar access to sync your events.',
    },
    failed: {
      color: 'red',
      title: 'Not connected',
      text: 'Google did not complete the connection; try again.',
    },
    wrong_account: {
      color: 'red',
      title: 'Not connected: another Google account',
      text: `The Google account you chose is not ${email}, the email you sign in with here. Connect again and choose ${email} at Google; access to the other account was revoked. (An admin can allow other calendar accounts in the organization settings.)`,
    },
  };
  const m = messages[outcome];
  return (
    <Alert
      role="status"
      color={m.color}
      variant="light"
      title={m.title}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      icon={outcome === 'connected' ? <IconPlugConnected size={18} /> : <IconAlertTriangle size={18} />}
    >
      {m.text}
    </Alert>
  );
}

// ---------------------------------------------------------------------------------------------
// The connection card.

const statusLabels: Record<CalendarConnectionView['status'], { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'teal' },
  syncing: { label: 'Syncing', color: 'blue' },
  needs_reauth: { label: 'Needs reconnecting', color: 'orange' },
  error: { label: 'Sync error', color: 'red' },
  not_connected: { label: 'Not connected', color: 'gray' },
};

/** "Try again at 14:03 (in 42 seconds)" for a 429's Retry-After. */
function retryText(error: unknown, time: (iso: string) => string): string {
  const detail = problemText(error);
  if (!(error instanceof ApiError) || error.retryAfterSeconds === undefined) return detail;
  const at = new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString();
  const seconds = error.retryAfterSeconds;
  return `${detail} You can sync again at ${time(at)} (in ${seconds} second${seconds === 1 ? '' : 's'}).`;
}

function ConnectionCard({
  orgId,
  connection,
  onSyncRequested,
  onDisconnected,
}: {
  orgId: string;
  connection: CalendarConnectionView;
  onSyncRequested(): void;
  onDisconnected(): void;
}) {
  const format = useFormat();
  const { api } = useSession();
  const [error, setError] = useState<unknown>();
  const [connecting, setConnecting] = useState(false);
  const sync = useChange(syncCalendarNow, {
    orgId,
    onSuccess: () => {
      announceDone('Sync requested; the status updates when it finishes.');
      onSyncRequested();
    },
  });
  const disconnect = useChange(disconnectCalendar, {
    orgId,
    onSuccess: () => {
      announceDone('Google Calendar disconnected; its synced events were deleted.');
      onDisconnected();
    },
  });
  const connect = async () => {
    setError(undefined);
    setConnecting(true);
    try {
      sessionStorage.setItem(syncBeforeConnectKey(orgId), connection.lastSyncedAt ?? '');
      window.location.assign((await api(authorizeGoogleCalendar, { params: { orgId } })).data.url);
    } catch (e) {
      setError(e);
      setConnecting(false);
    }
  };
  const run = (action: () => Promise<unknown>) => async () => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
  };
  const { status, accountEmail, lastSyncedAt, lastError, eventCount } = connection;
  const badge = statusLabels[status];
  const isConnected = status !== 'not_connected';
  const connectLabel = status === 'needs_reauth' ? 'Reconnect Google Calendar' : 'Connect Google Calendar';
  return (
    <Card withBorder component="section" aria-labelledby="calendar-connection-title">
      <Stack>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="calendar-connection-title">
            Google Calendar connection
          </Title>
          <Badge color={badge.color} variant="dot" size="lg" data-testid="calendar-status">
            {badge.label}
          </Badge>
        </Group>
        {isConnected ? (
          <DataList labelWidth="9rem" aria-label="Connection details">
            <DataList.Item>
              <DataList.ItemLabel>Google account</DataList.ItemLabel>
              <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>
                {accountEmail ?? 'Not recorded (connected before accounts were kept)'}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Last synced</DataList.ItemLabel>
              <DataList.ItemValue>
                {lastSyncedAt ? format.dateTime(lastSyncedAt) : 'Not yet'}
              </DataList.ItemValue>
            </DataList.Item>
            <DataList.Item>
              <DataList.ItemLabel>Synced events</DataList.ItemLabel>
              <DataList.ItemValue data-testid="calendar-event-count">{eventCount}</DataList.ItemValue>
            </DataList.Item>
          </DataList>
        ) : (
          <Text c="dimmed">
            Connect your Google Calendar to see your events here and to share your free time with the
            availability finder. Only your own calendar is connected; nobody else can connect it for you.
          </Text>
        )}
        {status === 'needs_reauth' && (
          <Alert color="red" variant="light" title="Google needs you to sign in again">
            {lastError ?? 'Google no longer accepts this connection (access was revoked or has expired).'}{' '}
            Syncing has stopped; reconnect to resume it.
          </Alert>
        )}
        {lastError && status !== 'not_connected' && status !== 'needs_reauth' && (
          <Alert color="red" variant="light" title="Last sync error">
            {lastError}
          </Alert>
        )}
        <ProblemAlert
          error={error && retryText(error, format.time)}
          title={
            error instanceof ApiError && error.problem.status === 429 ? 'Too soon to sync again' : undefined
          }
        />
        <Group gap="sm" wrap="wrap">
          {(status === 'not_connected' || status === 'needs_reauth') && (
            <Button leftSection={<IconPlugConnected size={18} />} loading={connecting} onClick={connect}>
              {connectLabel}
            </Button>
          )}
          {isConnected && status !== 'needs_reauth' && (
            <Button
              variant="light"
              leftSection={<IconRefresh size={18} />}
              loading={sync.isPending}
              onClick={run(() => sync.mutateAsync({ params: { orgId } }))}
            >
              Sync now
            </Button>
          )}
          {isConnected && (
            <Button
              variant="light"
              color="red"
              loading={disconnect.isPending}
              onClick={() =>
                confirmDestructive({
                  title: 'Disconnect Google Calendar?',
                  message:
                    'Access at Google is revoked and the events synced here are deleted. You can connect again at any time.',
                  confirmLabel: 'Disconnect',
                  onConfirm: run(() => disconnect.mutateAsync({ params: { orgId } })),
                })
              }
            >
              Disconnect
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// Events: a list of the days that have events, or a week grid.

function EventItem({ event, day }: { event: CalendarEvent; day: string }) {
  const format = useFormat();
  const dayOf = (iso: string) => dayIn(Date.parse(iso), format.timeZone);
  const when = (iso: string) => (dayOf(iso) === day ? format.time(iso) : format.dateTime(iso));
  return (
    <Paper component="li" withBorder p="xs" radius="sm" style={{ listStyle: 'none', minWidth: 0 }}>
      <Stack gap={2}>
        <Group gap={6} wrap="wrap">
          {event.allDay ? (
            <Badge variant="light" size="sm">
              All day
            </Badge>
          ) : (
            <Text size="sm" fw={600} data-testid="event-time">
              {when(event.start)} – {when(event.end)}
            </Text>
          )}
          {event.transparent && (
            <Badge variant="outline" color="gray" size="sm">
              Free
            </Badge>
          )}
        </Group>
        <Text fw={500} style={{ overflowWrap: 'anywhere' }} data-testid="event-title">
          {event.title || '(No title)'}
        </Text>
        {event.location && (
          <Group gap={4} wrap="nowrap" align="flex-start">
            <IconMapPin size={14} aria-hidden style={{ flexShrink: 0, marginTop: 3 }} />
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {event.location}
            </Text>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** All-day events first, then by start, then by end. */
function sortForDay(events: CalendarEvent[]): CalendarEvent[] {
  return [...events].sort((a, b) => {
    if (a.allDay !== b.allDay) return a.allDay ? -1 : 1;
    return a.start.localeCompare(b.start) || a.end.localeCompare(b.end);
  });
}

function Day({ day, events, compact }: { day: string; events: CalendarEvent[]; compact?: boolean }) {
  const dayLabel = useDayLabel();
  const label = dayLabel(day);
  const headingId = `day-${day}`;
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId} style={{ minWidth: 0 }}>
      <Title order={3} size="h6" id={headingId}>
        {label}
      </Title>
      {events.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing scheduled
        </Text>
      ) : (
        <Stack gap={compact ? 6 : 'xs'} component="ul" p={0} m={0} aria-label={`Events on ${label}`}>
          {events.map((e) => (
            <EventItem key={e.id} event={e} day={day} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

type View = 'list' | 'week';

function Events({ orgId, connection }: { orgId: string; connection: CalendarConnectionView }) {
  const format = useFormat();
  const dayLabel = useDayLabel();
  const { api } = useSession();
  const today = dayIn(Date.now(), format.timeZone);
  const [view, setView] = useState<View>('list');
  const [weeks, setWeeks] = useState(0);
  const first = view === 'week' ? mondayOf(addDays(today, weeks * 7)) : addDays(today, weeks * 7);
  const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
  const from = new Date(startOfDay(first, format.timeZone)).toISOString();
  const to = new Date(startOfDay(addDays(first, 7), format.timeZone)).toISOString();
  const input = { params: { orgId }, query: { from, to } };
  const events = useQuery({
    // The last sync is part of the key: a finished sync shows its events.
    queryKey: [...routeKey(listCalendarEvents, input), 'all', connection.lastSyncedAt],
    queryFn: async () => {
      const items: CalendarEvent[] = [];
      let cursor: string | undefined;
      do {
        const { data } = await api(listCalendarEvents, {
          ...input,
          query: { ...input.query, limit: 100, cursor },
        });
        items.push(...data.items);
        cursor = data.nextCursor;
      } while (cursor && items.length < 2000);
      return items;
    },
    placeholderData: (previous) => previous,
  });
  const title =
    view === 'week'
      ? `Week of ${dayLabel(first)}`
      : weeks === 0
        ? 'Next 7 days'
        : `7 days from ${dayLabel(first)}`;
  return (
    <Card withBorder component="section" aria-labelledby="calendar-events-title">
      <Stack>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="calendar-events-title">
            {title}
          </Title>
          <Group gap="xs" wrap="wrap">
            <SegmentedControl
              aria-label="View"
              value={view}
              onChange={(v) => setView(v as View)}
              data={[
                { value: 'list', label: 'List' },
                { value: 'week', label: 'Week' },
              ]}
            />
            <Group gap={4} wrap="nowrap">
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={view === 'week' ? 'Previous week' : 'Previous 7 days'}
                onClick={() => setWeeks((w) => w - 1)}
              >
                <IconChevronLeft size={18} />
              </ActionIcon>
              <Button variant="default" onClick={() => setWeeks(0)} disabled={weeks === 0}>
                Today
              </Button>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={view === 'week' ? 'Next week' : 'Next 7 days'}
                onClick={() => setWeeks((w) => w + 1)}
              >
                <IconChevronRight size={18} />
              </ActionIcon>
            </Group>
          </Group>
        </Group>
        <Loaded query={events} rows={4}>
          {(items) => {
            const byDay = days.map((day) => ({
              day,
              events: sortForDay(items.filter((e) => onDay(e, day, format.timeZone))),
            }));
            if (view === 'week') {
              return (
                <SimpleGrid cols={{ base: 1, md: 7 }} spacing="xs" data-testid="week-grid">
                  {byDay.map(({ day, events }) => (
                    <Paper
                      key={day}
                      withBorder
                      p="xs"
                      radius="sm"
                      bg={day === today ? 'var(--mantine-primary-color-light)' : undefined}
                      style={{ minWidth: 0 }}
                    >
                      <Day day={day} events={events} compact />
                    </Paper>
                  ))}
                </SimpleGrid>
              );
            }
            const busy = byDay.filter((d) => d.events.length > 0);
            if (busy.length === 0) {
              return (
                <Empty
                  icon={<IconCalendarEvent size={22} />}
                  title="No events in these 7 days"
                  description={
                    connection.lastSyncedAt
                      ? 'Events you add in Google Calendar appear here after the next sync. Try the next week, or Sync now.'
                      : 'The first sync has not finished yet; events appear here as soon as it does.'
                  }
                />
              );
            }
            return (
              <Stack gap="lg" data-testid="event-days">
                {busy.map(({ day, events }) => (
                  <Day key={day} day={day} events={events} />
                ))}
              </Stack>
            );
          }}
        </Loaded>
      </Stack>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// The availability finder.

interface FinderValues extends Record<string, unknown> {
  userIds: string[];
  from: string;
  to: string;
  durationMinutes: number | string;
  workingHours: string;
}

function finderSchema(timeZone: string) {
  const form = z.object({
    userIds: z
      .array(z.string())
      .check(z.minLength(1, 'Choose at least one member'), z.maxLength(20, 'Choose at most 20 members')),
    from: z.iso.date('Choose a start date'),
    to: z.iso.date('Choose an end date'),
    durationMinutes: z.union([z.number(), z.string()]),
    workingHours: z.string(),
  });
  return z.pipe(
    z.pipe(
      form,
      z.transform((v) => toQuery(v, timeZone)),
    ),
    AvailabilityQuery as unknown as z.ZodMiniType<AvailabilityQuery, ReturnType<typeof toQuery>>,
  );
}

/** The form's days (in the profile's zone, `to` included) as the API's query. */
function toQuery(v: FinderValues, timeZone: string) {
  return {
    userIds: v.userIds.join(','),
    // Today's search starts now: the hours already gone are no use.
    from: new Date(
      v.from === dayIn(Date.now(), timeZone)
        ? Math.max(startOfDay(v.from, timeZone), Math.ceil(Date.now() / 60_000) * 60_000)
        : startOfDay(v.from, timeZone),
    ).toISOString(),
    to: new Date(startOfDay(addDays(v.to, 1), timeZone)).toISOString(),
    durationMinutes: v.durationMinutes === '' ? undefined : Number(v.durationMinutes),
    workingHours: v.workingHours,
  };
}

function AvailabilityFinder({
  orgId,
  myUserId,
  canReadOthers,
}: {
  orgId: string;
  myUserId: string;
  canReadOthers: boolean;
}) {
  const format = useFormat();
  const dayLabel = useDayLabel();
  const { api, profile } = useSession();
  const client = useQueryClient();
  const members = useRoute(listMembers, { params: { orgId }, query: { limit: 100 } }, canReadOthers);
  const today = dayIn(Date.now(), format.timeZone);
  const schema = useMemo(() => finderSchema(format.timeZone), [format.timeZone]);
  const { form, problem, run } = useApiForm<FinderValues>(schema, {
    initialValues: {
      userIds: [myUserId],
      from: today,
      to: addDays(today, 6),
      durationMinutes: 30,
      workingHours: '09:00-17:00',
    },
  });
  const [slots, setSlots] = useState<{ start: string; end: string }[]>();
  const [searching, setSearching] = useState(false);
  const options = canReadOthers
    ? (members.data?.data.items ?? []).map((m) => ({
        value: m.userId,
        label: m.userId === myUserId ? `${m.email} (you)` : m.email,
      }))
    : [{ value: myUserId, label: `${profile.email} (you)` }];
  if (!options.some((o) => o.value === myUserId))
    options.unshift({ value: myUserId, label: `${profile.email} (you)` });
  const hours = form.getValues().workingHours;
  const [startHour = '', endHour = ''] = hours.split('-');
  const setHours = (start: string, end: string) => form.setFieldValue('workingHours', `${start}-${end}`);
  const grouped = useMemo(() => {
    const map = new Map<string, { start: string; end: string }[]>();
    for (const slot of slots ?? []) {
      const day = dayIn(Date.parse(slot.start), format.timeZone);
      map.set(day, [...(map.get(day) ?? []), slot]);
    }
    return [...map.entries()];
  }, [slots, format.timeZone]);
  // Working hours apply every day, so weekends come back full; most searches are for weekdays.
  const [showWeekends, setShowWeekends] = useState(false);
  const weekendSlots = grouped.filter(([day]) => isWeekend(day)).reduce((n, [, s]) => n + s.length, 0);
  const shownDays = showWeekends ? grouped : grouped.filter(([day]) => !isWeekend(day));
  return (
    <Card withBorder component="section" aria-labelledby="availability-title">
      <form
        aria-labelledby="availability-title"
        noValidate
        onSubmit={run(async (values) => {
          setSearching(true);
          try {
            const query = toQuery(values, format.timeZone);
            const input = { params: { orgId }, query };
            const { data } = await client.fetchQuery({
              queryKey: routeKey(getAvailability, input),
              queryFn: () => api(getAvailability, input),
              staleTime: 0,
            });
            setSlots(data.slots);
          } finally {
            setSearching(false);
          }
        })}
      >
        <Stack>
          <div>
            <Title order={2} size="h4" id="availability-title">
              Find a time
            </Title>
            <Text size="sm" c="dimmed">
              Free slots everyone shares, within each person’s working hours in their own time zone (someone
              without a connected calendar counts as free). Times below are in {format.timeZone}.
            </Text>
          </div>
          <MultiSelect
            label="Members"
            description={
              canReadOthers
                ? 'Up to 20 people'
                : 'Only managers and up can check other members’ availability.'
            }
            data={options}
            searchable
            // Read-only, not disabled: the member's own pill stays readable (a disabled pill's gray is
            // under 4.5:1 in the dark theme) while nobody else can be added.
            readOnly={!canReadOthers}
            nothingFoundMessage="No member matches"
            {...form.getInputProps('userIds')}
          />
          <Grid>
            <Grid.Col span={{ base: 12, xs: 6, md: 3 }}>
              <TextInput type="date" label="From" {...form.getInputProps('from')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, xs: 6, md: 3 }}>
              <TextInput type="date" label="To (included)" {...form.getInputProps('to')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, xs: 6, md: 2 }}>
              <NumberInput
                label="Duration"
                suffix=" min"
                min={5}
                max={480}
                step={15}
                {...form.getInputProps('durationMinutes')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, xs: 6, md: 4 }}>
              <Input.Wrapper
                label="Working hours"
                labelElement="div"
                error={form.errors.workingHours}
                id="working-hours"
              >
                <Group gap={6} wrap="nowrap" align="center">
                  <TextInput
                    type="time"
                    aria-label="Working hours start"
                    value={startHour}
                    onChange={(e) => setHours(e.currentTarget.value, endHour)}
                    error={Boolean(form.errors.workingHours)}
                    style={{ flex: 1, minWidth: 0 }}
                  />
                  <Text size="sm" aria-hidden>
                    to
                  </Text>
                  <TextInput
                    type="time"
                    aria-label="Working hours end"
                    value={endHour}
                    onChange={(e) => setHours(startHour, e.currentTarget.value)}
                    error={Boolean(form.errors.workingHours)}
                    aria-describedby={form.errors.workingHours ? 'working-hours-error' : undefined}
                    style={{ flex: 1, minWidth: 0 }}
                  />
                </Group>
              </Input.Wrapper>
            </Grid.Col>
          </Grid>
          <ProblemAlert error={problem} />
          <Button
            type="submit"
            leftSection={<IconClockSearch size={18} />}
            loading={searching}
            w="fit-content"
          >
            Find free slots
          </Button>
          {slots &&
            (slots.length === 0 ? (
              <Empty
                icon={<IconCalendarOff size={22} />}
                title="No shared free time"
                description="Nobody chosen is free together for that long within working hours. Try a shorter duration, a longer range or fewer people."
              />
            ) : (
              <Stack gap="sm" aria-label="Free slots" role="region">
                <Text size="sm" fw={500} role="status">
                  {slots.length} free slot{slots.length === 1 ? '' : 's'}
                </Text>
                {weekendSlots > 0 && (
                  <Switch
                    label="Show weekends"
                    description={`${weekendSlots} free slot${weekendSlots === 1 ? '' : 's'} on Saturdays and Sundays`}
                    checked={showWeekends}
                    onChange={(e) => setShowWeekends(e.currentTarget.checked)}
                  />
                )}
                {shownDays.length === 0 && (
                  <Text size="sm" c="dimmed">
                    Free only on weekends in these days.
                  </Text>
                )}
                {shownDays.map(([day, daySlots]) => (
                  <Stack key={day} gap={4}>
                    <Title order={3} size="h6">
                      {dayLabel(day)}
                    </Title>
                    {/* Small cells in columns: a week of a full working day stays a page, not metres of chips. */}
                    <SimpleGrid
                      component="ul"
                      cols={{ base: 2, xs: 3, sm: 4, md: 6 }}
                      spacing={4}
                      verticalSpacing={4}
                      p={0}
                      m={0}
                      aria-label={`Free on ${dayLabel(day)}`}
                    >
                      {daySlots.map((s) => (
                        <Badge component="li" key={s.start} variant="light" radius="sm" tt="none" fullWidth>
                          {format.time(s.start)} – {format.time(s.end)}
                        </Badge>
                      ))}
                    </SimpleGrid>
                  </Stack>
                ))}
              </Stack>
            ))}
        </Stack>
      </form>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------

const outcomes = new Set<string>(['connected', 'denied', 'failed', 'wrong_account']);

export function Calendar() {
  const { orgId } = useParams() as { orgId: string };
  const { api, profile } = useSession();
  const [search, setSearch] = useSearchParams();
  const [outcome, setOutcome] = useState<Outcome>();
  // The last sync before this connection was made ('' for none): a later one is its first sync.
  const [syncBefore, setSyncBefore] = useState('');
  // After a sync request or a fresh connection, watch the status for a little while.
  const [watchUntil, setWatchUntil] = useState(0);
  const watch = () => setWatchUntil(Date.now() + 30_000);

  useEffect(() => {
    const value = search.get('calendar');
    if (value === null) return;
    if (outcomes.has(value)) {
      setOutcome(value as Outcome);
      if (value === 'connected') {
        setWatchUntil(Date.now() + 30_000);
        setSyncBefore(sessionStorage.getItem(syncBeforeConnectKey(orgId)) ?? '');
      }
      sessionStorage.removeItem(syncBeforeConnectKey(orgId));
    }
    const rest = new URLSearchParams(search);
    rest.delete('calendar');
    setSearch(rest, { replace: true });
  }, [search, setSearch, orgId]);

  const me = useRoute(getMyMembership, { params: { orgId } });
  const input = { params: { orgId } };
  const connection = useQuery({
    queryKey: routeKey(getCalendarConnection, input),
    queryFn: () => api(getCalendarConnection, input),
    // The "first sync is on its way" banner watches too, however long that sync takes.
    refetchInterval: (query) =>
      Date.now() < watchUntil || query.state.data?.data.status === 'syncing' || outcome === 'connected'
        ? 2000
        : false,
  });

  // "Connected" no longer holds once the connection needs reconnecting or is gone.
  const status = connection.data?.data.status;
  useEffect(() => {
    if (status === 'needs_reauth' || status === 'not_connected') {
      setOutcome((o) => (o === 'connected' ? undefined : o));
    }
  }, [status]);

  // The first sync has finished: the banner promising it has nothing left to say.
  const lastSyncedAt = connection.data?.data.lastSyncedAt;
  useEffect(() => {
    if (lastSyncedAt && lastSyncedAt !== syncBefore) setOutcome((o) => (o === 'connected' ? undefined : o));
  }, [lastSyncedAt, syncBefore]);

  return (
    <Stack maw={1200}>
      <Title order={1} size="h2">
        Calendar
      </Title>
      {outcome && (
        <OutcomeMessage outcome={outcome} email={profile.email} onClose={() => setOutcome(undefined)} />
      )}
      <Loaded query={{ ...connection, data: connection.data?.data }}>
        {(c) => (
          <>
            <ConnectionCard
              orgId={orgId}
              connection={c}
              onSyncRequested={watch}
              onDisconnected={() => setOutcome(undefined)}
            />
            {c.status !== 'not_connected' && <Events orgId={orgId} connection={c} />}
          </>
        )}
      </Loaded>
      {me.data && (
        <AvailabilityFinder
          orgId={orgId}
          myUserId={me.data.data.userId}
          canReadOthers={can(me.data.data.role, 'calendar:readOthers')}
        />
      )}
    </Stack>
  );
}
