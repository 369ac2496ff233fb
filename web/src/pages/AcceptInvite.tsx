/**
 * Answering an invitation: the token waits in this tab's session storage (see app/invite-link);
 * the page previews what the invite offers (org, role, inviter, expiry, status) and offers Accept
 * and Decline while it is pending. Refusals (another email, a used or replaced link) are shown in
 * the API's words, with a way back.
 */
import { Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconMailOff, IconUserCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { acceptInvite, declineInvite, previewInvite } from '../../../functions/api/routes/tenancy';
import type { InvitePreview } from '../../../functions/api/schemas/invites';
import { ApiError } from '../app/api';
import { forgetInviteToken, pendingInviteToken } from '../app/invite-link';
import { useChange } from '../app/queries';
import { useSession } from '../app/session';
import { useFormat } from '../app/time';
import { confirmDestructive } from '../components/confirm';
import { announceDone, Empty, Loaded, ProblemAlert } from '../components/feedback';

/** Why an invite that is no longer pending cannot be answered. */
const closedBecause: Record<InvitePreview['status'], string> = {
  pending: '',
  accepted: 'This invitation has already been accepted.',
  declined: 'This invitation was declined.',
  revoked: 'This invitation was revoked by the organization.',
  expired: 'This invitation has expired; ask for a new one.',
};

function BackHome() {
  return (
    <Button component={Link} to="/" variant="light" leftSection={<IconArrowLeft size={16} />} w="fit-content">
      Back to your organizations
    </Button>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text style={{ overflowWrap: 'anywhere' }}>{children}</Text>
    </div>
  );
}

function Preview({ token, preview }: { token: string; preview: InvitePreview }) {
  const format = useFormat();
  const navigate = useNavigate();
  const [declined, setDeclined] = useState(false);
  const accept = useChange(acceptInvite, {
    onSuccess: ({ data }) => {
      forgetInviteToken();
      announceDone(`You joined ${preview.orgName}.`);
      navigate(`/orgs/${data.orgId}`);
    },
  });
  const decline = useChange(declineInvite, {
    onSuccess: () => {
      forgetInviteToken();
      setDeclined(true);
      announceDone('Invitation declined.');
    },
  });
  if (declined) {
    return (
      <Empty
        icon={<IconMailOff size={28} />}
        title="Invitation declined"
        description={`You declined the invitation to ${preview.orgName}. They may invite you again.`}
        action={<BackHome />}
      />
    );
  }
  const pending = preview.status === 'pending';
  return (
    <Card withBorder maw={640}>
      <Stack>
        <Title order={1} size="h3">
          Invitation to join {preview.orgName}
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Fact label="Organization">{preview.orgName}</Fact>
          <Fact label="Role">
            {preview.role}
            {preview.additionalRoles.length > 0 && ` (also ${preview.additionalRoles.join(', ')})`}
          </Fact>
          <Fact label="Invited by">{preview.inviterEmail ?? 'A member of the organization'}</Fact>
          <Fact label={pending ? 'Expires' : 'Expiry'}>{format.dateTime(preview.expiresAt)}</Fact>
        </SimpleGrid>
        <Group gap="xs">
          <Text size="sm">Status</Text>
          <Badge variant="light" color={pending ? 'blue' : 'gray'}>
            {preview.status}
          </Badge>
        </Group>
        {pending ? (
          <>
            <ProblemAlert error={accept.error ?? decline.error} />
            <Group>
              <Button
                leftSection={<IconUserCheck size={16} />}
                onClick={() => accept.mutate({ body: { token } })}
                loading={accept.isPending}
                disabled={decline.isPending}
              >
                Accept invitation
              </Button>
              <Button
                variant="default"
                loading={decline.isPending}
                disabled={accept.isPending}
                onClick={() =>
                  confirmDestructive({
                    title: 'Decline invitation',
                    message: `Decline the invitation to ${preview.orgName}? The link stops working.`,
                    confirmLabel: 'Decline invitation',
                    onConfirm: () => decline.mutate({ body: { token } }),
                  })
                }
              >
                Decline
              </Button>
            </Group>
          </>
        ) : (
          <>
            <ProblemAlert title="This invitation cannot be answered" error={closedBecause[preview.status]} />
            <Group>
              {preview.status === 'accepted' && (
                <Button component={Link} to={`/orgs/${preview.orgId}`} onClick={forgetInviteToken}>
                  Open {preview.orgName}
                </Button>
              )}
              <BackHome />
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

function Refused({ error }: { error: unknown }) {
  const { profile, signOut } = useSession();
  const otherEmail = error instanceof ApiError && error.problem.status === 403;
  return (
    <Card withBorder maw={640}>
      <Stack>
        <Title order={1} size="h3">
          This invitation cannot be used
        </Title>
        <ProblemAlert error={error} title="The invitation was refused" />
        {otherEmail && (
          <List size="sm">
            <List.Item>You are signed in as {profile.email}.</List.Item>
            <List.Item>
              Sign in with the email the invitation was sent to, then open the link again.
            </List.Item>
          </List>
        )}
        <Group>
          {otherEmail && (
            <Button variant="default" onClick={() => signOut('Sign in with the invited email to continue.')}>
              Sign in with another email
            </Button>
          )}
          <BackHome />
        </Group>
      </Stack>
    </Card>
  );
}

export function AcceptInvite() {
  // Read once: answering forgets the stored token, and the page still shows the outcome.
  const [token] = useState(pendingInviteToken);
  const { api } = useSession();
  const preview = useQuery({
    queryKey: ['previewInvite', token],
    queryFn: async () => (await api(previewInvite, { body: { token: token! } })).data,
    enabled: token !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!token) {
    return (
      <Empty
        icon={<IconMailOff size={28} />}
        title="No invitation to answer"
        description="Open the link from your invitation email again."
        action={<BackHome />}
      />
    );
  }
  if (preview.error) return <Refused error={preview.error} />;
  return <Loaded query={preview}>{(data) => <Preview token={token} preview={data} />}</Loaded>;
}
