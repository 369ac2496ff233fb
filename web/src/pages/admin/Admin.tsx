/**
 * The platform admin area (README "Platform administration"): organizations (search, detail,
 * suspend and reactivate, plan), people by email, the platform's admins, and the platform audit
 * log. Only platform admins reach it (the API refuses everyone else); what a role may change is
 * offered to that role only, with the API's own refusal shown if it still says no.
 */
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconBuilding, IconLock, IconSearch, IconShieldLock, IconUserSearch } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { canPlatform, type PlatformRole } from '../../../../functions/api/permissions';
import { plans } from '../../../../functions/api/plans';
import {
  findUsersAsAdmin,
  getOrgAsAdmin,
  grantPlatformRole,
  listPlatformAdmins,
  listPlatformAudit,
  reactivateOrg,
  revokePlatformRole,
  searchOrgsAsAdmin,
  setOrgPlan,
  suspendOrg,
} from '../../../../functions/api/routes/admin';
import { getMe } from '../../../../functions/api/routes/profile';
import { GrantPlatformRoleBody, SetPlanBody } from '../../../../functions/api/schemas/admin';
import type { Organization } from '../../../../functions/api/schemas/orgs';
import { useApiForm } from '../../app/forms';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, announceFailure, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { NameLink } from '../../components/forms';
import { PagedCardList } from '../../components/PagedCardList';

function usePlatformRole(): PlatformRole | null | undefined {
  return useRoute(getMe).data?.data.platformRole;
}

const sections = [
  { to: '/admin', label: 'Organizations', end: true },
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/admins', label: 'Admins' },
  { to: '/admin/audit', label: 'Audit' },
];

/** For everyone who is not a platform admin: what this area is, and the way back (never its shell). */
function NotAllowed() {
  return (
    <Stack maw={720} gap="md">
      <Title order={1} size="h2">
        Not allowed
      </Title>
      <Empty
        icon={<IconLock size={28} />}
        title="Only platform admins can open this area"
        description="The platform admin area is for the people who run this service. If you need something here, ask one of them."
        action={
          <Button component={Link} to="/" variant="light">
            Go to your organizations
          </Button>
        }
      />
    </Stack>
  );
}

export function AdminLayout() {
  const me = useRoute(getMe);
  const role = me.data?.data.platformRole;
  if (me.isSuccess && !role) return <NotAllowed />;
  if (!me.isSuccess) return <Loaded query={{ ...me, data: undefined }}>{() => null}</Loaded>;
  return (
    <Stack maw={1100} gap="lg">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          Platform admin
        </Title>
        {role && <Badge leftSection={<IconShieldLock size={14} />}>Your platform role: {role}</Badge>}
      </Group>
      <Group component="nav" aria-label="Platform admin" gap="xs" wrap="wrap">
        {sections.map((s) => (
          <Button key={s.to} component={NavLink} to={s.to} end={s.end} variant="subtle" size="compact-md">
            {s.label}
          </Button>
        ))}
      </Group>
      <Outlet />
    </Stack>
  );
}

function StatusBadge({ status }: { status: Organization['status'] }) {
  return <Badge color={status === 'active' ? 'teal.9' : 'red.9'}>{status}</Badge>;
}

function OrgResults({ search }: { search: { name?: string; domain?: string } }) {
  const list = usePagedRoute(searchOrgsAsAdmin, { query: { ...search, limit: 25 } });
  return (
    <PagedCardList
      list={list}
      rows={4}
      label="Organizations found"
      empty={
        <Empty
          icon={<IconBuilding size={28} />}
          title="No organization matches"
          description="Names match from their first letter on (case ignored); domains match exactly. Try fewer letters."
        />
      }
      keyOf={(org) => org.id}
      card={(org) => (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <NameLink to={`/admin/orgs/${org.id}`}>{org.name}</NameLink>
            <Text size="sm" c="dimmed">
              {org.domain ?? 'no domain'} · {org.plan} · {org.memberCount} members
            </Text>
          </Stack>
          <StatusBadge status={org.status} />
        </Group>
      )}
    />
  );
}

export function AdminOrgs() {
  const [by, setBy] = useState<'name' | 'domain'>('name');
  const [term, setTerm] = useState('');
  const [search, setSearch] = useState<{ name?: string; domain?: string }>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (term.trim()) setSearch({ [by]: term.trim() });
  };
  return (
    <Stack gap="md">
      <form onSubmit={submit}>
        <Group align="end" wrap="wrap" gap="sm">
          <SegmentedControl
            aria-label="Search by"
            value={by}
            onChange={(v) => setBy(v as 'name' | 'domain')}
            data={[
              { value: 'name', label: 'Name' },
              { value: 'domain', label: 'Domain' },
            ]}
          />
          <TextInput
            label={by === 'name' ? 'Name starts with' : 'Domain'}
            placeholder={by === 'name' ? 'Acme' : 'acme.com'}
            value={term}
            onChange={(e) => setTerm(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 180 }}
          />
          <Button type="submit" leftSection={<IconSearch size={16} />}>
            Search
          </Button>
        </Group>
      </form>
      {search ? (
        <OrgResults search={search} />
      ) : (
        <Empty
          icon={<IconSearch size={28} />}
          title="Find an organization"
          description="Search by the start of its name or by its domain. Every search is recorded in the platform audit log."
        />
      )}
    </Stack>
  );
}

function PlanForm({ org }: { org: Organization }) {
  const change = useChange(setOrgPlan, { onSuccess: () => announceDone('Plan saved.') });
  const { form, problem, run } = useApiForm<{ plan: string; canSetupSaml: boolean }>(SetPlanBody, {
    initialValues: { plan: org.plan, canSetupSaml: org.canSetupSaml },
  });
  return (
    <form
      onSubmit={run((values) =>
        change.mutateAsync({
          params: { orgId: org.id },
          body: values as { plan: Organization['plan']; canSetupSaml: boolean },
        }),
      )}
    >
      <Stack gap="sm">
        {problem && <ProblemAlert error={problem} />}
        <Select label="Plan" data={[...plans]} allowDeselect={false} {...form.getInputProps('plan')} />
        <Switch label="May set up SAML" {...form.getInputProps('canSetupSaml', { type: 'checkbox' })} />
        <Button type="submit" w="fit-content" loading={change.isPending}>
          Save plan
        </Button>
      </Stack>
    </form>
  );
}

function StatusActions({ org }: { org: Organization }) {
  const suspend = useChange(suspendOrg, {
    onSuccess: () => announceDone(`${org.name} is suspended.`),
  });
  const reactivate = useChange(reactivateOrg, {
    onSuccess: () => announceDone(`${org.name} is active again.`),
  });
  const input = { params: { orgId: org.id } };
  if (org.status === 'active') {
    return (
      <Button
        color="red"
        variant="light"
        loading={suspend.isPending}
        onClick={() =>
          confirmDestructive({
            title: `Suspend ${org.name}?`,
            message:
              'Its members and API clients are refused on every organization page and call until it is reactivated. Nothing is deleted.',
            confirmLabel: 'Suspend',
            onConfirm: () => suspend.mutate(input, { onError: (e) => announceFailure('Not suspended', e) }),
          })
        }
      >
        Suspend organization
      </Button>
    );
  }
  return (
    <Button
      loading={reactivate.isPending}
      onClick={() => reactivate.mutate(input, { onError: (e) => announceFailure('Not reactivated', e) })}
    >
      Reactivate organization
    </Button>
  );
}

export function AdminOrgDetail() {
  const { orgId } = useParams() as { orgId: string };
  const role = usePlatformRole();
  const detail = useRoute(getOrgAsAdmin, { params: { orgId } });
  return (
    <Loaded query={{ ...detail, data: detail.data?.data }} rows={6}>
      {({ org, members, moreMembers, agents, phoneNumbers, tasksThisMonth }) => (
        <Stack gap="md">
          <Group justify="space-between" wrap="wrap">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Title order={2} size="h3" style={{ overflowWrap: 'anywhere' }}>
                {org.name}
              </Title>
              <Text size="sm" c="dimmed">
                {org.domain ?? 'no domain'} · {org.id}
              </Text>
            </Stack>
            <Group gap="xs">
              <StatusBadge status={org.status} />
              {canPlatform(role ?? null, 'admin') && <StatusActions org={org} />}
            </Group>
          </Group>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            {[
              ['Members', `${org.memberCount} of ${org.limits.maxUsers}`],
              ['Agents', String(agents.length)],
              ['Phone numbers', String(phoneNumbers.length)],
              ['Tasks this month', String(tasksThisMonth.total)],
            ].map(([label, value]) => (
              <Card key={label} withBorder padding="sm">
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {label}
                </Text>
                <Text size="lg" fw={700}>
                  {value}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder>
              <Title order={3} size="h4" mb="xs">
                Plan
              </Title>
              {canPlatform(role ?? null, 'admin') ? (
                <PlanForm key={org.version} org={org} />
              ) : (
                <Text>
                  {org.plan}, SAML {org.canSetupSaml ? 'allowed' : 'not allowed'}
                </Text>
              )}
            </Card>
            <Card withBorder>
              <Title order={3} size="h4" mb="xs">
                Members
              </Title>
              <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
                {members.map((m) => (
                  <Text key={m.userId} component="li" size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {m.email} · {m.role}
                  </Text>
                ))}
              </Stack>
              {moreMembers && (
                <Text size="sm" c="dimmed">
                  and more
                </Text>
              )}
            </Card>
            <Card withBorder>
              <Title order={3} size="h4" mb="xs">
                Agents and numbers
              </Title>
              {agents.length + phoneNumbers.length === 0 ? (
                <Text size="sm">No agents or phone numbers yet.</Text>
              ) : (
                <Stack gap={4}>
                  {agents.map((a) => (
                    <Text key={a.id} size="sm">
                      {a.name} · {a.type} · {a.status}
                      {a.shared ? ' · shared in' : ''}
                    </Text>
                  ))}
                  {phoneNumbers.map((n) => (
                    <Text key={n.e164} size="sm">
                      {n.e164}{' '}
                      {n.agentId
                        ? `→ ${agents.find((a) => a.id === n.agentId)?.name ?? n.agentId}`
                        : '(unassigned)'}
                    </Text>
                  ))}
                </Stack>
              )}
            </Card>
          </SimpleGrid>
        </Stack>
      )}
    </Loaded>
  );
}

function UserResults({ email }: { email: string }) {
  const found = useRoute(findUsersAsAdmin, { query: { email } });
  return (
    <Loaded query={{ ...found, data: found.data?.data.items }} rows={2}>
      {(items) =>
        items.length === 0 ? (
          <Empty
            icon={<IconUserSearch size={28} />}
            title="Nobody with that email"
            description="People appear here once they have signed in at least once."
          />
        ) : (
          <Stack gap="sm">
            {items.map((u) => (
              <Card key={u.profile.id} withBorder>
                <Group justify="space-between" wrap="wrap">
                  <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {u.profile.name ?? u.profile.email}
                  </Text>
                  {u.platformRole && <Badge>{u.platformRole}</Badge>}
                </Group>
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {u.profile.email} · {u.profile.id}
                </Text>
                {u.orgs.length === 0 ? (
                  <Text size="sm">Member of no organization.</Text>
                ) : (
                  <Stack gap={2} mt="xs">
                    {u.orgs.map((o) => (
                      <Anchor key={o.org.id} component={Link} to={`/admin/orgs/${o.org.id}`} size="sm">
                        {o.org.name} · {o.role}
                      </Anchor>
                    ))}
                  </Stack>
                )}
              </Card>
            ))}
          </Stack>
        )
      }
    </Loaded>
  );
}

export function AdminUsers() {
  const [email, setEmail] = useState('');
  const [looking, setLooking] = useState<string>();
  return (
    <Stack gap="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (email.trim()) setLooking(email.trim());
        }}
      >
        <Group align="end" wrap="wrap" gap="sm">
          <TextInput
            type="email"
            label="Email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 200 }}
          />
          <Button type="submit" leftSection={<IconUserSearch size={16} />}>
            Look up
          </Button>
        </Group>
      </form>
      {looking ? (
        <UserResults email={looking} />
      ) : (
        <Empty
          icon={<IconUserSearch size={28} />}
          title="Look a person up"
          description="Their profile, platform role and organizations, by the email they signed in with."
        />
      )}
    </Stack>
  );
}

function GrantForm() {
  const change = useChange(grantPlatformRole, { onSuccess: () => announceDone('Platform role granted.') });
  const { form, problem, run } = useApiForm<{ email: string; role: string }>(GrantPlatformRoleBody, {
    initialValues: { email: '', role: 'support' },
  });
  return (
    <form
      onSubmit={run((values) =>
        change
          .mutateAsync({ body: values as { email: string; role: PlatformRole } })
          .then(() => form.reset()),
      )}
    >
      <Stack gap="sm">
        {problem && <ProblemAlert error={problem} />}
        <Group align="start" wrap="wrap" gap="sm">
          <TextInput label="Email" style={{ flex: 1, minWidth: 200 }} {...form.getInputProps('email')} />
          <Select
            label="Platform role"
            data={['support', 'admin', 'superadmin']}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
        </Group>
        <Button type="submit" w="fit-content" loading={change.isPending}>
          Grant role
        </Button>
      </Stack>
    </form>
  );
}

export function AdminAdmins() {
  const role = usePlatformRole();
  const list = usePagedRoute(listPlatformAdmins, { query: { limit: 50 } });
  const revoke = useChange(revokePlatformRole, { onSuccess: () => announceDone('Platform role removed.') });
  const superadmin = canPlatform(role ?? null, 'superadmin');
  return (
    <Stack gap="md">
      {superadmin && (
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Grant a platform role
          </Title>
          <GrantForm />
        </Card>
      )}
      <Text size="sm" c="dimmed">
        The deployment’s configured superadmin holds the role without a grant and is not listed.
      </Text>
      <PagedCardList
        list={list}
        rows={3}
        label="Platform admins"
        empty={
          <Empty
            icon={<IconShieldLock size={28} />}
            title="No granted platform roles"
            description="Superadmins grant support (read only), admin or superadmin to people who have signed in."
          />
        }
        keyOf={(a) => a.userId}
        card={(a) => (
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text style={{ overflowWrap: 'anywhere' }}>
              {a.email} · <Badge>{a.role}</Badge>
            </Text>
            {superadmin && (
              <Button
                color="red"
                variant="subtle"
                onClick={() =>
                  confirmDestructive({
                    title: `Remove ${a.email}’s platform role?`,
                    message: 'They lose access to the platform admin area at once.',
                    confirmLabel: 'Remove role',
                    onConfirm: () =>
                      revoke.mutate(
                        { params: { userId: a.userId } },
                        { onError: (e) => announceFailure('Role not removed', e) },
                      ),
                  })
                }
              >
                Remove
              </Button>
            )}
          </Group>
        )}
      />
    </Stack>
  );
}

export function AdminAudit() {
  const format = useFormat();
  const list = usePagedRoute(listPlatformAudit, { query: { limit: 25 } });
  return (
    <PagedCardList
      list={list}
      rows={6}
      label="Platform audit entries"
      ordered
      empty={
        <Empty
          icon={<IconShieldLock size={28} />}
          title="Nothing recorded yet"
          description="Every platform admin’s search, read and change is recorded here and in the organization’s own log."
        />
      }
      keyOf={(e) => e.id}
      card={(e) => (
        <>
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text fw={600}>{e.action}</Text>
            <Text size="sm" c="dimmed">
              {format.dateTime(e.at)}
            </Text>
          </Group>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {'email' in e.actor ? e.actor.email : e.actor.name} · {e.target.type.replace('_', ' ')}{' '}
            {e.target.name ?? e.target.id}
            {e.orgId && (
              <>
                {' · '}
                {/* Underlined: inside a sentence, colour alone does not set a link apart (1.8:1 in dark). */}
                <Anchor component={Link} to={`/admin/orgs/${e.orgId}`} size="sm" underline="always">
                  organization
                </Anchor>
              </>
            )}
          </Text>
        </>
      )}
    />
  );
}
