/**
 * The console frame: a header with the product, the organization switcher and the user menu; a
 * side navigation for the current organization (a drawer on phones); breadcrumbs over the page.
 */
import {
  Alert,
  Anchor,
  AppShell,
  Avatar,
  Badge,
  Breadcrumbs,
  Burger,
  Button,
  Group,
  Menu,
  Modal,
  NavLink,
  ScrollArea,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBan,
  IconBook,
  IconBuilding,
  IconCalendar,
  IconChartBar,
  IconCheck,
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
  IconPhoneCall,
  IconPlus,
  IconPrompt,
  IconRobot,
  IconSelector,
  IconSettings,
  IconShieldLock,
  IconUser,
  IconUsers,
} from '@tabler/icons-react';
import { type ReactNode, useEffect, useRef } from 'react';
import { Link, Outlet, useLocation, useMatch, useMatches, useParams } from 'react-router';
import type { Permission } from '../../../functions/api/permissions';
import { can } from '../../../functions/api/permissions';
import { getMe } from '../../../functions/api/routes/profile';
import { getMyMembership, listMyOrgs } from '../../../functions/api/routes/tenancy';
import { useRoute } from '../app/queries';
import { usePhoneScreen } from '../app/screen';
import { useSession } from '../app/session';
import { CreateOrgForm } from './CreateOrgForm';

/** What a route shows in the breadcrumbs (react-router `handle`). */
export interface Crumb {
  crumb: (params: Record<string, string | undefined>) => ReactNode;
}

interface Section {
  to: string;
  label: string;
  icon: ReactNode;
  permission: Permission;
}

/** The org's pages, grouped as people look for them: what they build, what they run, who and how. */
const orgGroups: { label: string | null; sections: Section[] }[] = [
  {
    label: null,
    sections: [{ to: '', label: 'Overview', icon: <IconHome size={18} />, permission: 'org:read' }],
  },
  {
    label: 'Build',
    sections: [
      { to: 'agents', label: 'Agents', icon: <IconRobot size={18} />, permission: 'agents:read' },
      { to: 'prompts', label: 'Prompts', icon: <IconPrompt size={18} />, permission: 'prompts:read' },
      { to: 'knowledge', label: 'Knowledge', icon: <IconBook size={18} />, permission: 'knowledge:read' },
      {
        to: 'phone-numbers',
        label: 'Phone numbers',
        icon: <IconPhone size={18} />,
        permission: 'phoneNumbers:read',
      },
    ],
  },
  {
    label: 'Operate',
    sections: [
      {
        to: 'chat',
        label: 'Chat',
        icon: <IconMessageChatbot size={18} />,
        permission: 'conversations:read',
      },
      { to: 'tasks', label: 'Tasks', icon: <IconChecklist size={18} />, permission: 'tasks:read' },
      {
        to: 'conversations',
        label: 'Conversations',
        icon: <IconMessages size={18} />,
        permission: 'conversations:read',
      },
      { to: 'calls', label: 'Calls', icon: <IconPhoneCall size={18} />, permission: 'calls:read' },
      { to: 'calendar', label: 'Calendar', icon: <IconCalendar size={18} />, permission: 'calendar:readOwn' },
      { to: 'dashboard', label: 'Dashboard', icon: <IconChartBar size={18} />, permission: 'tasks:read' },
    ],
  },
  {
    label: 'Organization',
    sections: [
      { to: 'members', label: 'Members', icon: <IconUsers size={18} />, permission: 'members:read' },
      { to: 'invitations', label: 'Invitations', icon: <IconMail size={18} />, permission: 'invites:read' },
      { to: 'api-clients', label: 'API clients', icon: <IconKey size={18} />, permission: 'apiClients:read' },
      { to: 'audit', label: 'Audit log', icon: <IconListDetails size={18} />, permission: 'audit:read' },
      { to: 'settings', label: 'Settings', icon: <IconSettings size={18} />, permission: 'org:update' },
    ],
  },
];

type MyOrgs = ReturnType<typeof useMyOrgs>;

function useMyOrgs() {
  return useRoute(listMyOrgs, { query: { limit: 100 } });
}

/**
 * The organization switcher, as Clerk's: the current organization on the button; the caller's
 * organizations, "Manage" (the current one's settings, or its members for those who may not change
 * settings) and "Create organization" in its menu.
 */
function OrgSwitcher({
  orgId,
  orgs,
  onCreate,
}: {
  orgId: string | undefined;
  orgs: MyOrgs;
  onCreate(): void;
}) {
  const items = orgs.data?.data.items ?? [];
  const current = items.find((o) => o.org.id === orgId);
  // An org joined since the list was loaded (an invite accepted elsewhere, a membership added
  // through the API) is not in it yet: reload the list once for it, or the switcher names no org.
  const missing = !!orgId && orgs.isSuccess && !current;
  const reloadedFor = useRef<string | undefined>(undefined);
  const { refetch } = orgs;
  useEffect(() => {
    if (!missing || reloadedFor.current === orgId) return;
    reloadedFor.current = orgId;
    refetch();
  }, [missing, orgId, refetch]);
  const nameOf = (o: (typeof items)[number]) => o.org.displayName ?? o.org.name;
  const manage = current && (can(current.role, 'org:update') ? 'settings' : 'members');
  return (
    <Menu position="bottom-start" withinPortal width={260}>
      <Menu.Target>
        <Button
          variant="default"
          size="sm"
          rightSection={<IconSelector size={16} aria-hidden />}
          maw={{ base: 170, sm: 260 }}
          aria-label={current ? `Organization: ${nameOf(current)}. Switch or manage` : 'Organizations'}
          styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
        >
          {current ? nameOf(current) : 'Organizations'}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your organizations</Menu.Label>
        <ScrollArea.Autosize mah={280}>
          {items.map((o) => (
            <Menu.Item
              key={o.org.id}
              component={Link}
              to={`/orgs/${o.org.id}`}
              leftSection={
                o.org.id === orgId ? (
                  <IconCheck size={16} aria-hidden />
                ) : (
                  <IconBuilding size={16} aria-hidden />
                )
              }
              rightSection={
                o.org.status === 'suspended' ? (
                  <Badge size="xs" color="red.9">
                    Suspended
                  </Badge>
                ) : undefined
              }
              aria-current={o.org.id === orgId ? 'true' : undefined}
            >
              {nameOf(o)}
            </Menu.Item>
          ))}
        </ScrollArea.Autosize>
        <Menu.Divider />
        {current && manage && (
          <Menu.Item
            component={Link}
            to={`/orgs/${current.org.id}/${manage}`}
            leftSection={<IconSettings size={16} />}
          >
            Manage
          </Menu.Item>
        )}
        <Menu.Item onClick={onCreate} leftSection={<IconPlus size={16} />}>
          Create organization
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
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
      {orgGroups.map((group) => {
        const shown = group.sections.filter((s) => role && can(role, s.permission));
        if (shown.length === 0) return null;
        const links = shown.map((s) => {
          const to = s.to ? `${base}/${s.to}` : base;
          return (
            <li key={s.label}>
              <NavLink
                component={Link}
                to={to}
                label={s.label}
                leftSection={s.icon}
                active={pathname === to}
                // Filled keeps white on the primary colour (AA) even under the pointer; light fell to 4.1:1.
                variant="filled"
                onClick={onNavigate}
              />
            </li>
          );
        });
        const list = { padding: 0, margin: 0, listStyle: 'none' } as const;
        if (!group.label)
          return (
            <ul key="top" style={list}>
              {links}
            </ul>
          );
        const id = `nav-group-${group.label.toLowerCase()}`;
        return (
          <div key={group.label} style={{ marginTop: 12 }}>
            <Text id={id} size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" pb={4}>
              {group.label}
            </Text>
            <ul aria-labelledby={id} style={list}>
              {links}
            </ul>
          </div>
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

/** Shown instead of a suspended organization's pages: what happened, and nothing to retry. */
function Suspended({ name }: { name: string }) {
  return (
    <Alert color="red" variant="light" icon={<IconBan size={18} />} title={`${name} is suspended`} maw={720}>
      This organization is suspended by the platform operator; its data is kept, but nobody can use it until
      it is reactivated. Contact support to reactivate it, or{' '}
      <Anchor component={Link} to="/" underline="always" c="inherit" fw={600}>
        go to your other organizations
      </Anchor>
      .
    </Alert>
  );
}

export function AppLayout() {
  // The org being worked in: only under /orgs/ (the platform admin's /admin/orgs/:orgId views an
  // org from outside; it gets no org navigation and no org in the switcher).
  const orgId = useMatch('/orgs/:orgId/*')?.params.orgId;
  const [opened, { toggle, close }] = useDisclosure();
  const [creating, creation] = useDisclosure();
  const phone = usePhoneScreen();
  const orgs = useMyOrgs();
  const current = orgs.data?.data.items.find((o) => o.org.id === orgId);
  const suspended = current?.org.status === 'suspended';
  const main = useRef<HTMLElement>(null);
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={orgId ? { width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } } : undefined}
      padding={phone ? 'sm' : 'md'}
    >
      {/* A button, not a link to #main-content: the hash holds the route. */}
      <button type="button" className="skip-link" onClick={() => main.current?.focus()}>
        Skip to main content
      </button>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            {orgId && (
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            )}
            <Anchor component={Link} to="/" fw={700} c="inherit" underline="never" visibleFrom="xs">
              Agent Control Plane
            </Anchor>
            <OrgSwitcher orgId={orgId} orgs={orgs} onCreate={creation.open} />
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
      <AppShell.Main id="main-content" ref={main} tabIndex={-1} style={{ outline: 'none' }}>
        <Crumbs />
        {suspended && current ? <Suspended name={current.org.displayName ?? current.org.name} /> : <Outlet />}
      </AppShell.Main>
      <Modal
        opened={creating}
        onClose={creation.close}
        title="Create organization"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <CreateOrgForm onCreated={creation.close} autoFocus />
      </Modal>
    </AppShell>
  );
}
