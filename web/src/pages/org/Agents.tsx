/**
 * The organization's AI agents: a list filtered by status and type (a table on desktops, cards on
 * phones, "Load more" a page at a time) with the shared-in ones marked, and, for admins, the form
 * that creates one. The chatbot key is written once and never shown again.
 */
import { Badge, Button, Group, NativeSelect, PasswordInput, Stack, Text } from '@mantine/core';
import { IconFilterOff, IconPlus, IconRobot } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { createAgent, listAgents } from '../../../../functions/api/routes/agents';
import {
  type Agent,
  agentStatuses,
  agentTypes,
  CreateAgentBody,
} from '../../../../functions/api/schemas/agents';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useChange } from '../../app/queries';
import { useFormat } from '../../app/time';
import { announceDone, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard, NameLink, PageHeading } from '../../components/forms';
import { ResponsiveList } from '../../components/ResponsiveList';
import {
  AgentFields,
  llmText,
  nullableText,
  SharedBadge,
  StatusBadge,
  statusLabels,
  typeLabels,
} from './agent-parts';

const pageSize = 25;

interface CreateValues extends Record<string, unknown> {
  name: string;
  type: Agent['type'];
  status: Agent['status'];
  description: string | null;
  initialMessage: string | null;
  chatbotEndpoint: string | null;
  chatbotKey: string | null;
}

const emptyAgent: CreateValues = {
  name: '',
  type: 'voice',
  status: 'active',
  description: null,
  initialMessage: null,
  chatbotEndpoint: null,
  chatbotKey: null,
};

function CreateAgentForm({ orgId, onCancel }: { orgId: string; onCancel(): void }) {
  const navigate = useNavigate();
  const create = useChange(createAgent, { orgId });
  const { form, problem, run } = useApiForm<CreateValues>(CreateAgentBody, { initialValues: emptyAgent });
  return (
    <FormCard
      label="Create an agent"
      title="Create an agent"
      onSubmit={run(async (values) => {
        // Empty optional fields are left out rather than sent as null.
        const body = Object.fromEntries(
          Object.entries(values).filter(([, v]) => v !== null && v !== ''),
        ) as CreateAgentBody;
        const { data } = await create.mutateAsync({ params: { orgId }, body });
        form.reset();
        announceDone(`Agent ${data.name} created.`);
        navigate(`/orgs/${orgId}/agents/${data.id}`);
      })}
    >
      <ProblemAlert error={problem} />
      <AgentFields form={form} />
      <PasswordInput
        label="Chatbot key"
        description="Stored write-only: after saving only its last four characters are shown."
        autoComplete="new-password"
        {...nullableText(form, 'chatbotKey')}
      />
      <FormActions
        submit="Create agent"
        icon={<IconPlus size={16} />}
        pending={create.isPending}
        onCancel={onCancel}
      />
    </FormCard>
  );
}

function AgentLink({ orgId, agent }: { orgId: string; agent: Agent }) {
  return <NameLink to={`/orgs/${orgId}/agents/${agent.id}`}>{agent.name}</NameLink>;
}

function Filters({
  status,
  type,
  onStatus,
  onType,
}: {
  status: string;
  type: string;
  onStatus(v: string): void;
  onType(v: string): void;
}) {
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <NativeSelect
        label="Filter by status"
        data={[
          { value: '', label: 'Any status' },
          ...agentStatuses.map((s) => ({ value: s, label: statusLabels[s] })),
        ]}
        value={status}
        onChange={(e) => onStatus(e.currentTarget.value)}
        w={{ base: '100%', xs: 180 }}
      />
      <NativeSelect
        label="Filter by type"
        data={[
          { value: '', label: 'Any type' },
          ...agentTypes.map((t) => ({ value: t, label: typeLabels[t] })),
        ]}
        value={type}
        onChange={(e) => onType(e.currentTarget.value)}
        w={{ base: '100%', xs: 180 }}
      />
      {(status || type) && (
        <Button
          variant="subtle"
          leftSection={<IconFilterOff size={16} />}
          onClick={() => {
            onStatus('');
            onType('');
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}

function AgentList({ orgId, onCreate }: { orgId: string; onCreate(): void }) {
  const format = useFormat();
  const { membership, may } = useMyMembership(orgId);
  const mayCreate = may('agents:create');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  // The filters are part of the query's key: changing one starts again from the first page.
  const agents = usePagedRoute(listAgents, {
    params: { orgId },
    query: { limit: pageSize, status: status || undefined, type: type || undefined },
  });
  const filtered = Boolean(status || type);
  // The list is asked for beside the membership, not after it (it needs only the org from the
  // address), and shows once the role is known, which decides what an empty list offers.
  if (membership.error || membership.data === undefined)
    return <Loaded query={membership}>{() => null}</Loaded>;
  return (
    <Stack gap="sm">
      <Filters status={status} type={type} onStatus={setStatus} onType={setType} />
      <Loaded query={{ ...agents, data: agents.items }}>
        {(items) =>
          items.length === 0 ? (
            filtered ? (
              <Empty
                icon={<IconFilterOff size={28} />}
                title="No agents match these filters"
                description="Choose another status or type, or clear the filters."
              />
            ) : (
              <Empty
                icon={<IconRobot size={28} />}
                title="No agents yet"
                description={
                  mayCreate
                    ? 'Create the first agent: give it a name, a type and the chatbot endpoint it answers from.'
                    : 'An admin of the organization creates the first agent.'
                }
                action={
                  mayCreate && (
                    <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
                      Create the first agent
                    </Button>
                  )
                }
              />
            )
          ) : (
            <ResponsiveList
              label="Agents"
              items={items}
              keyOf={(a) => a.id}
              paging={agents}
              card={(a) => (
                <>
                  <AgentLink orgId={orgId} agent={a} />
                  <Group gap="xs" wrap="wrap">
                    <Badge variant="default" miw="fit-content">
                      {typeLabels[a.type]}
                    </Badge>
                    <StatusBadge status={a.status} />
                    {a.shared && <SharedBadge />}
                  </Group>
                  <Text size="sm">Model: {llmText(a.llm)}</Text>
                  <Text size="sm" c="dimmed">
                    Changed {format.dateTime(a.updatedAt)}
                  </Text>
                </>
              )}
              columns={[
                {
                  header: 'Agent',
                  cell: (a) => (
                    <>
                      <Group gap="xs" wrap="wrap">
                        <AgentLink orgId={orgId} agent={a} />
                        {a.shared && <SharedBadge />}
                      </Group>
                      {a.description && (
                        <Text size="sm" c="dimmed" lineClamp={1}>
                          {a.description}
                        </Text>
                      )}
                    </>
                  ),
                },
                { header: 'Type', cell: (a) => typeLabels[a.type] },
                { header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
                { header: 'Model', cell: (a) => llmText(a.llm) },
                { header: 'Changed', cell: (a) => format.dateTime(a.updatedAt) },
              ]}
            />
          )
        }
      </Loaded>
    </Stack>
  );
}

export function Agents() {
  const { orgId } = useParams() as { orgId: string };
  const { may } = useMyMembership(orgId);
  const [creating, setCreating] = useState(false);
  const mayCreate = may('agents:create');
  return (
    <Stack maw={1100} gap="lg">
      <PageHeading
        title="Agents"
        action={
          mayCreate &&
          !creating && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New agent
            </Button>
          )
        }
      />
      {creating && <CreateAgentForm orgId={orgId} onCancel={() => setCreating(false)} />}
      <AgentList orgId={orgId} onCreate={() => setCreating(true)} />
    </Stack>
  );
}
