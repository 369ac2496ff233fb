import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconMailOff } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { acceptInvite } from '../../../functions/api/routes/tenancy';
import { forgetInviteToken, pendingInviteToken } from '../app/invite-link';
import { useChange } from '../app/queries';
import { Empty, ProblemAlert } from '../components/feedback';

export function AcceptInvite() {
  const token = pendingInviteToken();
  const navigate = useNavigate();
  const accept = useChange(acceptInvite, {
    onSuccess: ({ data }) => {
      forgetInviteToken();
      navigate(`/orgs/${data.orgId}`);
    },
  });
  if (!token) {
    return (
      <Empty
        icon={<IconMailOff size={28} />}
        title="No invitation to accept"
        description="Open the link from your invitation email again."
        action={
          <Button component={Link} to="/" mt="md">
            Back to your organizations
          </Button>
        }
      />
    );
  }
  return (
    <Card withBorder maw={520}>
      <Stack>
        <Title order={1} size="h3">
          Accept invitation
        </Title>
        <Text size="sm">You were invited to join an organization.</Text>
        <ProblemAlert error={accept.error} />
        <Group>
          <Button onClick={() => accept.mutate({ body: { token } })} loading={accept.isPending}>
            Accept invitation
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
