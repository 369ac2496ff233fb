/**
 * The organization's API clients: machine callers (OAuth client credentials) acting in this org
 * with a role. Admins create one (name and role) and see its secret exactly once, with a copy
 * button, then only its id; deleting one stops its tokens at once, after confirming.
 */
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { can, type OrgRole, rank } from '../../../../functions/api/permissions';
import {
  createApiClient,
  deleteApiClient,
  listApiClients,
} from '../../../../functions/api/routes/api-clients';
import { listMembers } from '../../../../functions/api/routes/tenancy';
import {
  type ApiClient,
  CreateApiClientBody,
  type CreatedApiClient,
} from '../../../../functions/api/schemas/api-clients';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, announceFailure, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard } from '../../components/forms';
import { PagedCardList } from '../../components/PagedCardList';
import { Person } from '../../components/Person';

type ClientRole = ApiClient['role'];
const clientRoles: ClientRole[] = ['admin', 'manager', 'member', 'viewer'];

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block style={{ flex: 1, minWidth: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              size="xs"
              onClick={copy}
              aria-label={`Copy the ${label.toLowerCase()}`}
              leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** Shown once, right after creating: the secret is never available again. */
function NewSecret({ client, onDone }: { client: CreatedApiClient; onDone: () => void }) {
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Alert icon={<IconAlertTriangle size={18} />} title="Copy the secret now">
          You will not see this secret again. Store it where your integration keeps credentials; if it is
          lost, delete this client and create another.
        </Alert>
        <Copyable label="Client ID" value={client.clientId} />
        <Copyable label="Client secret" value={client.clientSecret} />
        <Text size="sm">
          Ask for tokens with the client-credentials grant and the scope <Code>{client.scope}</Code>
          {client.tokenUrl ? (
            <>
              {' '}
              at <Code style={{ overflowWrap: 'anywhere' }}>{client.tokenUrl}</Code>
            </>
          ) : null}
          , then call this organization’s API routes with them.
        </Text>
        <Button w="fit-content" onClick={onDone}>
          I have stored the secret
        </Button>
      </Stack>
    </Card>
  );
}

function CreateClientForm({ orgId, myRole }: { orgId: string; myRole: OrgRole }) {
  const create = useChange(createApiClient, { orgId });
  const [created, setCreated] = useState<CreatedApiClient>();
  const { form, problem, run } = useApiForm<{ name: string; role: ClientRole }>(CreateApiClientBody, {
    initialValues: { name: '', role: 'viewer' },
  });
  if (created) return <NewSecret client={created} onDone={() => setCreated(undefined)} />;
  return (
    <FormCard
      label="Create an API client"
      title="Create an API client"
      onSubmit={run(async (values) => {
        const { data } = await create.mutateAsync({ params: { orgId }, body: values });
        form.reset();
        setCreated(data);
        announceDone(`API client ${data.name} created.`);
      })}
    >
      <ProblemAlert error={problem} />
      <TextInput
        label="Name"
        description="What it is for, such as “CRM sync”."
        required
        autoComplete="off"
        {...form.getInputProps('name')}
      />
      <NativeSelect
        label="Role"
        description="It acts in this organization with this role; never above your own."
        data={clientRoles
          .filter((role) => rank(role) <= rank(myRole))
          .map((role) => ({ value: role, label: role[0]!.toUpperCase() + role.slice(1) }))}
        {...form.getInputProps('role')}
      />
      <FormActions submit="Create client" icon={<IconPlus size={16} />} pending={create.isPending} />
    </FormCard>
  );
}

/** An API client's card: what it is, who made it, and Delete. */
function ClientCardContent({ orgId, client }: { orgId: string; client: ApiClient }) {
  const remove = useChange(deleteApiClient, { orgId });
  const { dateTime } = useFormat();
  // One cache entry shared by every card (and the other pages that list the first 100 members).
  const members = useRoute(listMembers, { params: { orgId }, query: { limit: 100 } });
  const creator = members.data?.data.items.find((m) => m.userId === client.createdBy.userId);
  const confirmDelete = () =>
    confirmDestructive({
      title: 'Delete API client',
      message: `Delete ${client.name}? Its tokens stop working at once and it cannot get new ones.`,
      confirmLabel: 'Delete client',
      onConfirm: () =>
        remove.mutate(
          { params: { orgId, clientId: client.clientId } },
          {
            onSuccess: () => announceDone(`API client ${client.name} deleted.`),
            onError: (error) => announceFailure(`${client.name} was not deleted`, error),
          },
        ),
    });
  return (
    <Group justify="space-between" align="center" gap="sm" wrap="wrap">
      <Stack gap={4} miw={0}>
        <Group gap="xs">
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {client.name}
          </Text>
          <Badge variant="light">{client.role}</Badge>
        </Group>
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {client.clientId}
        </Text>
        <Group gap="xs" wrap="wrap" data-created-by>
          <Text size="sm" c="dimmed">
            Created {dateTime(client.createdAt)} by
          </Text>
          {/* Named from the member list; the stored email alone when they are not a member any more. */}
          <Person name={creator?.name} email={client.createdBy.email} picture={creator?.picture} size="sm" />
        </Group>
      </Stack>
      <Button
        variant="light"
        color="red"
        leftSection={<IconTrash size={16} />}
        onClick={confirmDelete}
        loading={remove.isPending}
        aria-label={`Delete ${client.name}`}
      >
        Delete
      </Button>
    </Group>
  );
}

function ClientList({ orgId }: { orgId: string }) {
  const clients = usePagedRoute(listApiClients, { params: { orgId }, query: { limit: 25 } });
  return (
    <PagedCardList
      list={clients}
      label="API clients"
      empty={
        <Empty
          icon={<IconKey size={28} />}
          title="No API clients yet"
          description="Create one above for each integration that calls this organization’s API."
        />
      }
      keyOf={(c) => c.clientId}
      card={(c) => <ClientCardContent orgId={orgId} client={c} />}
    />
  );
}

export function ApiClients() {
  const { orgId } = useParams() as { orgId: string };
  const { membership } = useMyMembership(orgId);
  return (
    <Stack maw={900} gap="lg">
      <Stack gap={4}>
        <Title order={1} size="h2">
          API clients
        </Title>
        <Text c="dimmed" size="sm">
          Integrations call the API with OAuth client-credentials tokens. Each client acts only in this
          organization, with the role you give it, and its actions show in the audit log under its name.
        </Text>
      </Stack>
      <Loaded query={membership}>
        {(membership) =>
          can(membership.role, 'apiClients:manage') ? (
            <Stack gap="lg">
              <CreateClientForm orgId={orgId} myRole={membership.role} />
              <ClientList orgId={orgId} />
            </Stack>
          ) : (
            <Text>Only the organization’s admins and owners manage its API clients.</Text>
          )
        }
      </Loaded>
    </Stack>
  );
}
