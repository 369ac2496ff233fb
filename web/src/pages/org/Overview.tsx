/** An organization at a glance: what it is, how full it is, your role, and where you can go from here. */
import {
  Anchor,
  Badge,
  Card,
  Group,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconCalendar,
  IconCheck,
  IconChevronRight,
  IconCircleDashed,
  IconListDetails,
  IconMail,
  IconSettings,
  IconUsers,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { can, type Permission } from '../../../../functions/api/permissions';
import { listAgents } from '../../../../functions/api/routes/agents';
import { listConversations } from '../../../../functions/api/routes/conversations';
import { listKnowledgeEntries } from '../../../../functions/api/routes/knowledge';
import { listPhoneNumbers } from '../../../../functions/api/routes/phone-numbers';
import { getMyMembership, getOrg, listInvites } from '../../../../functions/api/routes/tenancy';
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

/**
 * First run: the five steps that make an organization useful, each ticked from the org's own data
 * (a one-item page of each list, asked only of those who may set the org up), gone once all are done.
 */
function useOnboarding(orgId: string, memberCount: number, enabled: boolean) {
  const first = { params: { orgId }, query: { limit: 1 } };
  const agents = useRoute(listAgents, first, enabled);
  const knowledge = useRoute(listKnowledgeEntries, first, enabled);
  const conversations = useRoute(listConversations, first, enabled);
  const numbers = useRoute(listPhoneNumbers, first, enabled);
  const invites = useRoute(listInvites, first, enabled && memberCount < 2);
  const any = (q: { data?: { data: { items: unknown[] } } }) =>
    q.data === undefined ? undefined : q.data.data.items.length > 0;
  const steps: { id: string; label: string; text: string; to: string; done: boolean | undefined }[] = [
    {
      id: 'agent',
      label: 'Create an agent',
      text: 'A voice or chat agent with its model and prompt.',
      to: 'agents',
      done: any(agents),
    },
    {
      id: 'knowledge',
      label: 'Add knowledge',
      text: 'Answers your agents can cite: policies, prices, opening hours.',
      to: 'knowledge/new',
      done: any(knowledge),
    },
    {
      id: 'talk',
      label: 'Talk to it',
      text: 'Chat with your agent and check what it answers.',
      to: 'chat',
      done: any(conversations),
    },
    {
      id: 'number',
      label: 'Add a phone number',
      text: 'A number people can call to reach an agent.',
      to: 'phone-numbers',
      done: any(numbers),
    },
    {
      id: 'invite',
      label: 'Invite a teammate',
      text: 'Work on it together; you choose their role.',
      to: 'members',
      done: memberCount > 1 ? true : any(invites),
    },
  ];
  return { steps, known: steps.every((s) => s.done !== undefined) };
}

function Onboarding({ orgId, memberCount }: { orgId: string; memberCount: number }) {
  const { steps, known } = useOnboarding(orgId, memberCount, true);
  const done = steps.filter((s) => s.done).length;
  if (!known || done === steps.length) return null;
  return (
    <Card withBorder component="section" aria-labelledby="onboarding-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="onboarding-title">
            Get started
          </Title>
          <Text size="sm" c="dimmed">
            {done} of {steps.length} done
          </Text>
        </Group>
        <Progress
          value={(done / steps.length) * 100}
          size="sm"
          aria-label={`${done} of ${steps.length} steps done`}
        />
        <Stack
          gap={4}
          component="ol"
          aria-label="Getting started steps"
          p={0}
          m={0}
          style={{ listStyle: 'none' }}
        >
          {steps.map((step) => (
            <Group key={step.id} component="li" wrap="nowrap" gap="sm" align="flex-start" py={4}>
              <ThemeIcon
                variant={step.done ? 'filled' : 'light'}
                color={step.done ? 'teal.9' : 'gray'}
                radius="xl"
                size="md"
                aria-hidden
              >
                {step.done ? <IconCheck size={16} /> : <IconCircleDashed size={16} />}
              </ThemeIcon>
              <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                {step.done ? (
                  <Text fw={600} td="line-through">
                    {step.label}
                    <VisuallyHidden> (done)</VisuallyHidden>
                  </Text>
                ) : (
                  <Anchor component={Link} to={`/orgs/${orgId}/${step.to}`} fw={600}>
                    {step.label}
                  </Anchor>
                )}
                <Text size="sm" c="dimmed">
                  {step.text}
                </Text>
              </Stack>
            </Group>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

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
            {role && can(role, 'agents:create') && <Onboarding orgId={orgId} memberCount={o.memberCount} />}
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
