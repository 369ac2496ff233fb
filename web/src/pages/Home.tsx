import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconBan, IconBuilding, IconMail } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import {
  acceptMyInvite,
  declineMyInvite,
  listMyInvites,
  listMyOrgs,
} from '../../../functions/api/routes/tenancy';
import { useChange, useRoute } from '../app/queries';
import { useFormat } from '../app/time';
import { CreateOrgForm } from '../components/CreateOrgForm';
import { confirmDestructive } from '../components/confirm';
import { announceDone, Empty, Loaded, ProblemAlert } from '../components/feedback';

function CreateOrganization() {
  return (
    <Card withBorder>
      <CreateOrgForm
        heading={
          <Title order={2} size="h4">
            Create an organization
          </Title>
        }
      />
    </Card>
  );
}

/**
 * Pending invitations addressed to the caller. `GET /me/invites` carries no token (only the mailed
 * link does), so they are answered from the link, not from here.
 */
function InvitationsForYou() {
  const format = useFormat();
  const navigate = useNavigate();
  const invites = useRoute(listMyInvites, { query: { limit: 100 } });
  const accept = useChange(acceptMyInvite, { onSuccess: ({ data }) => navigate(`/orgs/${data.orgId}`) });
  const decline = useChange(declineMyInvite, { onSuccess: () => announceDone('Invitation declined.') });
  const items = invites.data?.data.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Invitations for you
      </Title>
      <Stack gap="xs" role="list" aria-label="Invitations for you">
        {items.map((invite) => (
          <Card key={invite.id} withBorder role="listitem" padding="sm">
            <Stack gap={6}>
              <Group gap="xs" wrap="wrap">
                <IconMail size={18} aria-hidden />
                <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                  {invite.orgName}
                </Text>
                <Badge variant="light">{invite.role}</Badge>
              </Group>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                Invited by {invite.inviterEmail ?? 'a member of the organization'}; expires{' '}
                {format.dateTime(invite.expiresAt)}.
              </Text>
              <Group gap="xs">
                <Button
                  size="xs"
                  loading={accept.isPending && accept.variables?.params?.inviteId === invite.id}
                  onClick={() => accept.mutate({ params: { orgId: invite.orgId, inviteId: invite.id } })}
                  aria-label={`Accept the invitation to ${invite.orgName}`}
                >
                  Accept
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() =>
                    confirmDestructive({
                      title: `Decline the invitation to ${invite.orgName}?`,
                      message: 'The organization can invite you again later.',
                      confirmLabel: 'Decline',
                      onConfirm: () =>
                        decline.mutate({ params: { orgId: invite.orgId, inviteId: invite.id } }),
                    })
                  }
                  aria-label={`Decline the invitation to ${invite.orgName}`}
                >
                  Decline
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </Stack>
      <ProblemAlert error={accept.error ?? decline.error} />
    </Stack>
  );
}

export function Home() {
  const orgs = useRoute(listMyOrgs, { query: { limit: 100 } });
  return (
    <Stack gap="lg" maw={960}>
      <Title order={1} size="h2">
        Your organizations
      </Title>
      <Loaded query={{ ...orgs, data: orgs.data?.data.items }}>
        {(items) =>
          items.length === 0 ? (
            <Empty
              icon={<IconBuilding size={28} />}
              title="No organizations yet"
              description="Create one below, or accept an invitation from someone who already has one."
            />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} role="list" aria-label="Organizations">
              {items.map(({ org, role }) => (
                <Card key={org.id} withBorder component={Link} to={`/orgs/${org.id}`} role="listitem">
                  <Text fw={600}>{org.displayName ?? org.name}</Text>
                  <Group gap="xs" mt="xs">
                    <Badge variant="light">{role}</Badge>
                    <Badge variant="outline" color="gray">
                      {org.plan}
                    </Badge>
                    {org.status === 'suspended' && (
                      <Badge color="red.9" leftSection={<IconBan size={12} aria-hidden />}>
                        Suspended
                      </Badge>
                    )}
                  </Group>
                  {org.status === 'suspended' && (
                    <Text size="sm" c="dimmed" mt="xs">
                      Suspended by the platform operator; its data is kept. Contact support to reactivate it.
                    </Text>
                  )}
                </Card>
              ))}
            </SimpleGrid>
          )
        }
      </Loaded>
      <InvitationsForYou />
      <CreateOrganization />
    </Stack>
  );
}
