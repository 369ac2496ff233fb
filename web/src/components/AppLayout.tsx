/**
 * The console frame: a header with the product, the organization switcher and the user menu; a
 * side navigation for the current organization (a drawer on phones); breadcrumbs over the page.
 */
import {
  Anchor,
  AppShell,
  Avatar,
  Breadcrumbs,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBook,
  IconCalendar,
  IconChartBar,
  IconChecklist,
  IconChevronDown,
  IconHome,
  IconKey,
  IconListDetails,
  IconLogout,
  IconMail,
  IconMessageChatbot,
  IconMessages,
  IconPhone,
  IconPrompt,
  IconRobot,
  IconSettings,
  IconShieldLock,
  IconUser,
  IconUsers,
} from '@tabler/icons-react';
import { type ReactNode, useEffect, useRef } from 'react';
import { Link, Outlet, useLocation, useMatch, useMatches, useNavigate, useParams } from 'react-router';
import type { Permission } from '../../../functions/api/permissions';
import { can } from '../../../functions/api/permissions';
import { getMe } from '../../../functions/api/routes/profile';
import { getMyMembership, listMyOrgs } from '../../../functions/api/routes/tenancy';
import { useRoute } from '../app/queries';
import { usePhoneScreen } from '../app/screen';
import { useSession } from '../app/session';

/** What a route shows in the breadcrumbs (react-router `handle`). */
export interface Crumb {
  crumb: (params: Record<string, string | undefined>) => ReactNode;
}

const orgSections: { to: string; label: string; icon: ReactNode; permission: Permission }[] = [
  { to: '', label: 'Overview', icon: <IconHome size={18} />, permission: 'org:read' },
  { to: 'dashboard', label: 'Dashboard', icon: <IconChartBar size={18} />, permission: 'tasks:read' },
  { to: 'agents', label: 'Agents', icon: <IconRobot size={18} />, permission: 'agents:read' },
  { to: 'tasks', label: 'Tasks', icon: <IconChecklist size={18} />, permission: 'tasks:read' },
  { to: 'prompts', label: 'Prompts', icon: <IconPrompt size={18} />, permission: 'prompts:read' },
  { to: 'knowledge', label: 'Knowledge', icon: <IconBook size={18} />, permission: 'knowledge:read' },
  { to: 'chat', label: 'Chat', icon: <IconMessageChatbot size={18} />, permission: 'conversations:read' },
  {
    to: 'conversations',
    label: 'Conversations',
    icon: <IconMessages size={18} />,
    permission: 'conversations:read',
  },
  {
    to: 'phone-numbers',
    label: 'Phone numbers',
    icon: <IconPhone size={18} />,
    permission: 'phoneNumbers:read',
  },
  { to: 'members', label: 'Members', icon: <IconUsers size={18} />, permission: 'members:read' },
  { to: 'invitations', label: 'Invitations', icon: <IconMail size={18} />, permission: 'invites:read' },
  { to: 'audit', label: 'Audit log', icon: <IconListDetails size={18} />, permission: 'audit:read' },
  { to: 'api-clients', label: 'API clients', icon: <IconKey size={18} />, permission: 'apiClients:read' },
  { to: 'calendar', label: 'Calendar', icon: <IconCalendar size={18} />, permission: 'calendar:readOwn' },
  { to: 'settings', label: 'Settings', icon: <IconSettings size={18} />, permission: 'org:update' },
];

function OrgSwitcher({ orgId }: { orgId: string | undefined }) {
  const navigate = useNavigate();
  const orgs = useRoute(listMyOrgs, { query: { limit: 100 } });
  const data = (orgs.data?.data.items ?? []).map((o) => ({
    value: o.org.id,
    label: o.org.displayName ?? o.org.name,
  }));
  // An org joined since the list was loaded (an invite accepted elsewhere, a membership added
  // through the API) is not in it yet: reload the list once for it, or the picker shows no org.
  const missing = !!orgId && orgs.isSuccess && !data.some((o) => o.value === orgId);
  const reloadedFor = useRef<string | undefined>(undefined);
  const { refetch } = orgs;
  useEffect(() => {
    if (!missing || reloadedFor.current === orgId) return;
    reloadedFor.current = orgId;
    refetch();
  }, [missing, orgId, refetch]);
  return (
    <Select
      aria-label="Organization"
      placeholder="Choose an organization"
      data={data}
      value={orgId ?? null}
      onChange={(value) => navigate(value ? `/orgs/${value}` : '/')}
      searchable
      allowDeselect={false}
      w={{ base: 150, sm: 240 }}
      size="sm"
    />
  );
}

function UserMenu() {
  const { profile, signOut } = useSession();
  // Only platform admins see the admin area (GET /me says who is one).
  const platformRole = useRoute(getMe).data?.data.platformRole;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton>
          <Group gap={6} wrap="nowrap">
            <VisuallyHidden>Account menu for {profile.name ?? profile.email}</VisuallyHidden>
            <Avatar
              src={profile.picture}
              radius="xl"
              size="sm"
              name={profile.name ?? profile.email}
              aria-hidden
            />
            <Text size="sm" visibleFrom="sm" maw={180} truncate aria-hidden>
              {profile.name ?? profile.email}
            </Text>
            <IconChevronDown size={14} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{profile.email}</Menu.Label>
        <Menu.Item component={Link} to="/profile" leftSection={<IconUser size={16} />}>
          Profile
        </Menu.Item>
        {platformRole && (
          <Menu.Item component={Link} to="/admin" leftSection={<IconShieldLock size={16} />}>
            Platform admin
          </Menu.Item>
        )}
        <Menu.Item onClick={() => signOut()} leftSection={<IconLogout size={16} />}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function OrgNavigation({ orgId, onNavigate }: { orgId: string; onNavigate(): void }) {
  const me = useRoute(getMyMembership, { params: { orgId } });
  const { pathname } = useLocation();
  const role = me.data?.data.role;
  const base = `/orgs/${orgId}`;
  return (
    <nav aria-label="Organization">
      {orgSections
        .filter((s) => role && can(role, s.permission))
        .map((s) => {
          const to = s.to ? `${base}/${s.to}` : base;
          return (
            <NavLink
              key={s.label}
              component={Link}
              to={to}
              label={s.label}
              leftSection={s.icon}
              active={pathname === to}
              // Filled keeps white on the primary colour (AA) even under the pointer; light fell to 4.1:1.
              variant="filled"
              onClick={onNavigate}
            />
          );
        })}
    </nav>
  );
}

function Crumbs() {
  const matches = useMatches();
  const params = useParams();
  const crumbs = matches.flatMap((m) => {
    const handle = m.handle as Crumb | undefined;
    if (!handle) return [];
    return [{ label: handle.crumb(params), to: m.pathname }];
  });
  if (crumbs.length < 2) return null;
  return (
    <Breadcrumbs mb="md" separatorMargin={6} style={{ flexWrap: 'wrap' }}>
      {crumbs.map((c, i) =>
        i === crumbs.length - 1 ? (
          <Text key={c.to} size="sm" c="dimmed" aria-current="page">
            {c.label}
          </Text>
        ) : (
          <Anchor key={c.to} component={Link} to={c.to} size="sm">
            {c.label}
          </Anchor>
        ),
      )}
    </Breadcrumbs>
  );
}

export function AppLayout() {
  // The org being worked in: only under /orgs/ (the platform admin's /admin/orgs/:orgId views an
  // org from outside; it gets no org navigation and no org in the picker).
  const orgId = useMatch('/orgs/:orgId/*')?.params.orgId;
  const [opened, { toggle, close }] = useDisclosure();
  const phone = usePhoneScreen();
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={orgId ? { width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } } : undefined}
      padding={phone ? 'sm' : 'md'}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            {orgId && (
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            )}
            <Anchor component={Link} to="/" fw={700} c="inherit" underline="never" visibleFrom="xs">
              Agent Control Plane
            </Anchor>
            <OrgSwitcher orgId={orgId} />
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      {orgId && (
        <AppShell.Navbar p="xs">
          <ScrollArea>
            <OrgNavigation orgId={orgId} onNavigate={close} />
          </ScrollArea>
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        <Crumbs />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
