/**
 * The organization's prompts: a list (a table on desktops, cards on phones, a page at a time) of
 * each prompt at its latest version, and, for admins, the form that creates one (its text becomes
 * version 1).
 */
import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconPlus, IconPrompt } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { createPrompt, listPrompts } from '../../../../functions/api/routes/prompts';
import { CreatePromptBody, type Prompt } from '../../../../functions/api/schemas/prompts';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useChange } from '../../app/queries';
import { useFormat } from '../../app/time';
import { announceDone, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard, NameLink, PageHeading } from '../../components/forms';
import { ResponsiveList } from '../../components/ResponsiveList';
import { PromptFields, type PromptValues, usedByText } from './prompt-parts';

const pageSize = 25;

const emptyPrompt: PromptValues = { name: '', description: null, text: '', note: '' };

function CreatePromptForm({ orgId, onCancel }: { orgId: string; onCancel(): void }) {
  const navigate = useNavigate();
  const create = useChange(createPrompt, { orgId });
  const { form, problem, run } = useApiForm<PromptValues>(CreatePromptBody, { initialValues: emptyPrompt });
  return (
    <FormCard
      label="Create a prompt"
      title="Create a prompt"
      onSubmit={run(async ({ note, ...values }) => {
        const body: CreatePromptBody = { ...values, ...(note ? { note } : {}) };
        const { data } = await create.mutateAsync({ params: { orgId }, body });
        announceDone(`Prompt ${data.name} created.`);
        navigate(`/orgs/${orgId}/prompts/${data.id}`);
      })}
    >
      <ProblemAlert error={problem} />
      <PromptFields form={form} />
      <FormActions
        submit="Create prompt"
        icon={<IconPlus size={16} />}
        pending={create.isPending}
        onCancel={onCancel}
      />
    </FormCard>
  );
}

function PromptLink({ orgId, prompt }: { orgId: string; prompt: Prompt }) {
  return <NameLink to={`/orgs/${orgId}/prompts/${prompt.id}`}>{prompt.name}</NameLink>;
}

function VersionBadge({ version }: { version: number }) {
  return (
    <Badge variant="default" miw="fit-content" tt="none">
      Version {version}
    </Badge>
  );
}

function PromptList({ orgId, mayCreate, onCreate }: { orgId: string; mayCreate: boolean; onCreate(): void }) {
  const format = useFormat();
  const prompts = usePagedRoute(listPrompts, { params: { orgId }, query: { limit: pageSize } });
  return (
    <Loaded query={{ ...prompts, data: prompts.items }}>
      {(items) =>
        items.length === 0 ? (
          <Empty
            icon={<IconPrompt size={28} />}
            title="No prompts yet"
            description={
              mayCreate
                ? 'Create the first prompt: the instructions an agent follows in every conversation. Agents then pin a version of it or follow the latest.'
                : 'An admin of the organization writes the prompts agents follow.'
            }
            action={
              mayCreate && (
                <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
                  Create the first prompt
                </Button>
              )
            }
          />
        ) : (
          <ResponsiveList
            label="Prompts"
            items={items}
            keyOf={(p) => p.id}
            paging={prompts}
            card={(p) => (
              <>
                <PromptLink orgId={orgId} prompt={p} />
                <Group gap="xs" wrap="wrap">
                  <VersionBadge version={p.version} />
                  <Text size="sm">{usedByText(p.agentIds.length)}</Text>
                </Group>
                <Text size="sm" c="dimmed">
                  Changed {format.dateTime(p.updatedAt)}
                </Text>
              </>
            )}
            columns={[
              {
                header: 'Prompt',
                cell: (p) => (
                  <>
                    <PromptLink orgId={orgId} prompt={p} />
                    {p.description && (
                      <Text size="sm" c="dimmed" lineClamp={1}>
                        {p.description}
                      </Text>
                    )}
                  </>
                ),
              },
              { header: 'Version', cell: (p) => <VersionBadge version={p.version} /> },
              { header: 'Used by', cell: (p) => usedByText(p.agentIds.length) },
              { header: 'Changed', cell: (p) => format.dateTime(p.updatedAt) },
            ]}
          />
        )
      }
    </Loaded>
  );
}

export function Prompts() {
  const { orgId } = useParams() as { orgId: string };
  const { membership, may } = useMyMembership(orgId);
  const [creating, setCreating] = useState(false);
  const mayCreate = may('prompts:write');
  return (
    <Stack maw={1100} gap="lg">
      <PageHeading
        title="Prompts"
        action={
          mayCreate &&
          !creating && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New prompt
            </Button>
          )
        }
      />
      {creating && <CreatePromptForm orgId={orgId} onCancel={() => setCreating(false)} />}
      <Loaded query={membership}>
        {() => <PromptList orgId={orgId} mayCreate={mayCreate} onCreate={() => setCreating(true)} />}
      </Loaded>
    </Stack>
  );
}
