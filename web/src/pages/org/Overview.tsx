/** An organization at a glance: what it is, how full it is, your role, and where you can go from here. */
import { Badge, Card, Group, Progress, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import {
  IconCalendar,
  IconChevronRight,
  IconListDetails,
  IconMail,
  IconSettings,
  IconUsers,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { can, type Permission } from '../../../../functions/api/permissions';
import { getMyMembership, getOrg } from '../../../../functions/api/routes/tenancy';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Loaded } from '../../components/feedback';

const sections: { to: string; label: string; text: string; icon: ReactNode; permission: Permission }[] = [
  {
    to: 'members',
    label: 'Members',
    text: 'Who belongs, their roles, ownership.',
    icon: <IconUsers size={20} />,
    permission: 'members:read',
  },
  {
    to: 'invitations',
    label: 'Invitations',
    text: 'Invite people and follow up on pending invitations.',
    icon: <IconMail size={20} />,
    permission: 'invites:read',
  },
  {
    to: 'calendar',
    label: 'Calendar',
    text: 'Connect your Google Calendar and find free times.',
    icon: <IconCalendar size={20} />,
    permission: 'calendar:readOwn',
  },
  {
    to: 'audit',
    label: 'Audit log',
    text: 'Who changed what, and when.',
    icon: <IconListDetails size={20} />,
    permission: 'audit:read',
  },
  {
    to: 'settings',
    label: 'Settings',
    text: 'Name, domains, joining rules and the member limit.',
    icon: <IconSettings size={20} />,
    permission: 'org:update',
  },
];

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      {children}
    </Card>
  );
}

export function Overview() {
  const { orgId } = useParams() as { orgId: string };
  const format = useFormat();
  const org = useRoute(getOrg, { params: { orgId } });
  const me = useRoute(getMyMembership, { params: { orgId } });
  const role = me.data?.data.role;
  return (
    <Loaded query={{ ...org, data: org.data?.data }}>
      {(o) => {
        const domains = [o.domain, ...o.extraDomains].filter((d): d is string => !!d);
        const full = Math.min(100, (o.memberCount / o.limits.maxUsers) * 100);
        return (
          <Stack maw={960} gap="lg">
            <Stack gap={4}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
                  {o.displayName ?? o.name}
                </Title>
                {role && <Badge size="lg">Your role: {role}</Badge>}
              </Group>
              {o.displayName && o.displayName !== o.name && (
                <Text size="sm" c="dimmed">
                  {o.name}
                </Text>
              )}
              {o.description && <Text style={{ overflowWrap: 'anywhere' }}>{o.description}</Text>}
            </Stack>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
              <Stat label="Members">
                <Text size="xl" fw={700}>
                  {o.memberCount} of {o.limits.maxUsers.toLocaleString()}
                </Text>
                <Progress
                  value={full}
                  mt="xs"
                  size="sm"
                  color={full >= 90 ? 'red' : 'blue'}
                  aria-label={`${o.memberCount} of ${o.limits.maxUsers} member seats used`}
                />
              </Stat>
              <Stat label="Plan">
                <Text size="xl" fw={700} tt="capitalize">
                  {o.plan}
                </Text>
                <Text size="xs" c="dimmed">
                  SAML {o.canSetupSaml ? 'available' : 'not included'}
                </Text>
              </Stat>
              <Stat label={domains.length === 1 ? 'Domain' : 'Domains'}>
                {domains.length === 0 ? (
                  <Text size="xl" fw={700}>
                    None
                  </Text>
                ) : (
                  <Text fw={600} mt={4} style={{ overflowWrap: 'anywhere' }}>
                    {domains.join(', ')}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  Auto-join {o.autoJoinByDomain ? 'on' : 'off'}
                </Text>
              </Stat>
              <Stat label="Created">
                <Text size="xl" fw={700}>
                  {format.date(o.createdAt)}
                </Text>
              </Stat>
            </SimpleGrid>
            {role && (
              <Stack gap="xs">
                <Title order={2} size="h4">
                  Go to
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                  {sections
                    .filter((s) => can(role, s.permission))
                    .map((s) => (
                      <Card
                        key={s.to}
                        withBorder
                        component={Link}
                        to={`/orgs/${orgId}/${s.to}`}
                        padding="sm"
                        className="quick-link"
                      >
                        <Group wrap="nowrap" gap="sm">
                          <ThemeIcon variant="light" size="lg" aria-hidden>
                            {s.icon}
                          </ThemeIcon>
                          <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                            <Text fw={600}>{s.label}</Text>
                            <Text size="sm" c="dimmed">
                              {s.text}
                            </Text>
                          </Stack>
                          <IconChevronRight size={18} aria-hidden />
                        </Group>
                      </Card>
                    ))}
                </SimpleGrid>
              </Stack>
            )}
          </Stack>
        );
      }}
    </Loaded>
  );
}
