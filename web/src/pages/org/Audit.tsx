/**
 * The audit log: who did what to whom and what changed, newest first, a page at a time, filtered
 * by person, action and a date range read in the profile's time zone.
 */
import {
  Avatar,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconFilterOff, IconKey, IconListDetails } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useParams } from 'react-router';
import { getOrg, listAudit, listMembers } from '../../../../functions/api/routes/tenancy';
import type { AuditEntry } from '../../../../functions/api/schemas/audit';
import { addDays, instantOf } from '../../../../functions/domain/zoned-time';
import { useAgentNames } from '../../app/agent-names';
import { auditActionChoices, sentenceOf } from '../../app/audit-actions';
import { describeValue } from '../../app/audit-values';
import { usePagedRoute } from '../../app/paging';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Empty, Loaded } from '../../components/feedback';
import { PersonAvatar } from '../../components/Person';

/** The org's members by user id: their names and pictures today. */
type People = Map<string, { name?: string | null; picture?: string | null }>;

/** "[OL] olga@acme.test deleted the agent **Front Desk**": one sentence, the actor's initials first. */
function Sentence({ entry, target, people }: { entry: AuditEntry; target: string; people: People }) {
  const { before, after } = sentenceOf(entry.action);
  const { actor } = entry;
  // A member by their name today (their email in the tooltip), else the email the entry kept.
  const look = 'userId' in actor ? people.get(actor.userId) : undefined;
  const who =
    'email' in actor
      ? (look?.name ?? actor.email)
      : 'apiClientId' in actor
        ? `API client “${actor.name}”`
        : `Agent “${actor.name}”`;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" style={{ flex: '1 1 16rem', minWidth: 0 }}>
      {'email' in actor ? (
        <PersonAvatar email={actor.email} name={look?.name} picture={look?.picture} size="sm" />
      ) : (
        <Avatar radius="xl" size="sm" aria-hidden>
          <IconKey size={14} />
        </Avatar>
      )}
      <Text size="sm" style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
        <b title={'email' in actor ? actor.email : undefined}>{who}</b> {before}
        {after !== undefined && <b>{target}</b>}
        {after}.
      </Text>
    </Group>
  );
}

const fieldNames: Record<string, string> = {
  name: 'Name',
  displayName: 'Display name',
  description: 'Description',
  domain: 'Domain',
  extraDomains: 'Extra domains',
  autoJoinByDomain: 'Auto-join by domain',
  membersMustHaveMatchingDomain: 'Matching domain required',
  maxUsers: 'Member limit',
  allowOtherCalendarAccounts: 'Other calendar accounts',
  canSetupSaml: 'SAML',
  plan: 'Plan',
  limits: 'Limits',
  role: 'Role',
  additionalRoles: 'Additional roles',
  email: 'Email',
  status: 'Status',
  expiresAt: 'Expires',
  joinedAt: 'Joined',
  owner: 'Owner',
  inviterEmail: 'Invited by',
  expiresInDays: 'Valid for (days)',
};

/** Fields in a steady order (the settings form's), the ones this page does not name last. */
const fieldOrder = (field: string) => {
  const index = Object.keys(fieldNames).indexOf(field);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
};

/** Nothing worth listing when something is created or removed: unset, off or empty. */
const unset = (value: unknown) =>
  value === null || value === undefined || value === false || (Array.isArray(value) && value.length === 0);

/** The instant (ISO) of midnight starting `date` (YYYY-MM-DD, plus `days`) in `timeZone`. */
const midnightIn = (date: string, timeZone: string, days = 0) =>
  new Date(instantOf(timeZone, addDays(date, days), 0)).toISOString();

function Value({
  value,
  other,
  format,
}: {
  value: unknown;
  /** The value on the other side of a change, to name only the parts of an object that changed. */
  other?: unknown;
  format: (iso: string) => string;
}) {
  const text = describeValue(value, other, format);
  return (
    <Text
      span
      size="sm"
      fw={value === undefined || value === null ? 400 : 500}
      c={value === null || value === undefined ? 'dimmed' : undefined}
    >
      {text}
    </Text>
  );
}

/** Before → after per field that changed. */
function Changes({ entry, format }: { entry: AuditEntry; format: (iso: string) => string }) {
  // Created things have no before, removed ones no after: list the values they had alone.
  const mode = entry.before && entry.after ? 'change' : entry.after ? 'after' : 'before';
  const single = mode === 'after' ? entry.after : entry.before;
  const fields = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])]
    .filter((f) => !['id', 'orgId', 'userId', 'invitedBy', 'updatedAt'].includes(f))
    .filter((f) => mode === 'change' || !unset(single?.[f]))
    .sort((a, b) => fieldOrder(a) - fieldOrder(b));
  if (fields.length === 0) return null;
  return (
    <Stack gap={2} component="dl" m={0} aria-label="What changed">
      {fields.map((field) => (
        <Group key={field} gap={6} wrap="wrap" align="baseline" style={{ overflowWrap: 'anywhere' }}>
          <Text component="dt" size="sm" c="dimmed">
            {fieldNames[field] ?? field}:
          </Text>
          <Text component="dd" size="sm" m={0}>
            {mode === 'change' ? (
              <>
                <Value value={entry.before?.[field]} other={entry.after?.[field]} format={format} />
                <Text span size="sm" aria-label="changed to" mx={6}>
                  →
                </Text>
                <Value value={entry.after?.[field]} other={entry.before?.[field]} format={format} />
              </>
            ) : (
              <Value value={single?.[field]} format={format} />
            )}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function Entry({
  entry,
  target,
  people,
  format,
}: {
  entry: AuditEntry;
  target: string;
  people: People;
  format: ReturnType<typeof useFormat>;
}) {
  return (
    <Card withBorder component="li" padding="sm">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <Sentence entry={entry} target={target} people={people} />
          <Group gap="xs" wrap="nowrap">
            <Badge variant="light" color="gray" tt="none" miw="fit-content">
              {entry.action}
            </Badge>
            <Text size="xs" c="dimmed" component="time" dateTime={entry.at} style={{ whiteSpace: 'nowrap' }}>
              {format.dateTime(entry.at)}
            </Text>
          </Group>
        </Group>
        <Changes entry={entry} format={format.dateTime} />
      </Stack>
    </Card>
  );
}

interface Filters {
  actorId: string | null;
  action: string | null;
  from: string;
  to: string;
}
const noFilters: Filters = { actorId: null, action: null, from: '', to: '' };

function EntryList({ orgId, filters, onClear }: { orgId: string; filters: Filters; onClear(): void }) {
  const format = useFormat();
  const org = useRoute(getOrg, { params: { orgId } });
  const members = useRoute(listMembers, { params: { orgId }, query: { limit: 100 } });
  const agents = useAgentNames(orgId);
  const list = usePagedRoute(listAudit, {
    params: { orgId },
    query: {
      limit: 25,
      actorId: filters.actorId ?? undefined,
      action: filters.action ?? undefined,
      from: filters.from ? midnightIn(filters.from, format.timeZone) : undefined,
      // The "to" day is included: the range ends at the next midnight.
      to: filters.to ? midnightIn(filters.to, format.timeZone, 1) : undefined,
    },
  });
  const emails = new Map<string, string>();
  const people: People = new Map();
  for (const m of members.data?.data.items ?? []) {
    emails.set(m.userId, m.email);
    people.set(m.userId, { name: m.name, picture: m.picture });
  }
  for (const e of list.items ?? []) {
    for (const summary of [e.before, e.after]) {
      if (typeof summary?.email === 'string') emails.set(e.target.id, summary.email);
    }
  }
  const targetOf = (entry: AuditEntry): string => {
    const kept = entry.target.name;
    if (kept) return kept;
    if (entry.target.type === 'org') {
      return org.data ? (org.data.data.displayName ?? org.data.data.name) : 'the organization';
    }
    // Entries written before targets kept their names: what the org still knows them by.
    if (entry.target.type === 'agent') return agents.nameOf(entry.target.id, `agent ${entry.target.id}`);
    return emails.get(entry.target.id) ?? `${entry.target.type.replace('_', ' ')} ${entry.target.id}`;
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(noFilters);
  return (
    <Loaded query={{ ...list, data: list.items }} rows={6}>
      {(items) =>
        items.length === 0 ? (
          filtered ? (
            <Empty
              icon={<IconFilterOff size={28} />}
              title="No entries match these filters"
              description="Nothing was recorded for this person, action and dates. Widen the date range or clear the filters."
              action={
                <Button variant="light" onClick={onClear}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <Empty
              icon={<IconListDetails size={28} />}
              title="Nothing recorded yet"
              description="Changes to settings, members and invitations appear here as people make them."
            />
          )
        ) : (
          <Stack gap="sm">
            <Stack
              gap="xs"
              component="ol"
              aria-label="Audit entries"
              p={0}
              m={0}
              style={{ listStyle: 'none' }}
            >
              {items.map((entry) => (
                <Entry
                  key={entry.id}
                  entry={entry}
                  target={targetOf(entry)}
                  people={people}
                  format={format}
                />
              ))}
            </Stack>
            {list.hasNextPage ? (
              <Button
                variant="default"
                w="fit-content"
                loading={list.isFetchingNextPage}
                onClick={() => list.fetchNextPage()}
              >
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {items.length === 1 ? 'That is the only entry.' : `That is all ${items.length} entries.`}
              </Text>
            )}
          </Stack>
        )
      }
    </Loaded>
  );
}

/**
 * A filter's clear button, named for its filter and reachable by keyboard and screen readers
 * (Mantine hides it from both by default, leaving only the mouse).
 */
const clearButton = (filter: string) => ({
  'aria-label': `Clear the ${filter} filter`,
  'aria-hidden': false,
  tabIndex: 0,
});

function Field({ children }: { children: ReactNode }) {
  return <div style={{ minWidth: 0 }}>{children}</div>;
}

export function Audit() {
  const { orgId } = useParams() as { orgId: string };
  const format = useFormat();
  const members = useRoute(listMembers, { params: { orgId }, query: { limit: 100 } });
  const [filters, setFilters] = useState<Filters>(noFilters);
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const rangeError =
    filters.from && filters.to && filters.to < filters.from ? 'must be on or after From' : undefined;
  const people = (members.data?.data.items ?? []).map((m) => ({
    value: m.userId,
    label: m.name ? `${m.name} (${m.email})` : m.email,
  }));
  return (
    <Stack maw={960}>
      <Title order={1} size="h2">
        Audit log
      </Title>
      <Text size="sm" c="dimmed">
        Who changed what in this organization, newest first. Times and dates are in {format.timeZone}.
      </Text>
      <Card withBorder padding="sm" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <Field>
            <Select
              label="Person"
              placeholder="Anyone"
              data={people}
              value={filters.actorId}
              onChange={(actorId) => set({ actorId })}
              searchable
              clearable
              nothingFoundMessage="No member with that email"
              clearButtonProps={clearButton('person')}
            />
          </Field>
          <Field>
            <Select
              label="Action"
              placeholder="Any action"
              data={auditActionChoices}
              value={filters.action}
              onChange={(action) => set({ action })}
              searchable
              clearable
              clearButtonProps={clearButton('action')}
            />
          </Field>
          <Field>
            <TextInput
              type="date"
              label="From"
              value={filters.from}
              onChange={(e) => set({ from: e.currentTarget.value })}
            />
          </Field>
          <Field>
            <TextInput
              type="date"
              label="To (inclusive)"
              value={filters.to}
              error={rangeError}
              onChange={(e) => set({ to: e.currentTarget.value })}
            />
          </Field>
        </SimpleGrid>
        {JSON.stringify(filters) !== JSON.stringify(noFilters) && (
          <Button variant="subtle" size="xs" mt="xs" onClick={() => setFilters(noFilters)}>
            Clear all filters
          </Button>
        )}
      </Card>
      {rangeError ? (
        <Text size="sm" c="dimmed">
          Choose a To date on or after the From date to see entries.
        </Text>
      ) : (
        <EntryList orgId={orgId} filters={filters} onClear={() => setFilters(noFilters)} />
      )}
    </Stack>
  );
}
