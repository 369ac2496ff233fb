/**
 * What the knowledge list and an entry's page share: the agents an entry is limited to, and the
 * fields an entry is written with.
 */
import { Badge, Group, MultiSelect, Stack, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import {
  maxKnowledgeAgents,
  maxKnowledgeContentBytes,
  maxKnowledgeTags,
} from '../../../../functions/api/schemas/knowledge';
import { type AgentNames, useAgentNames } from '../../app/agent-names';
import { SizeCounter } from '../../components/editing';
import { monospace } from './prompt-parts';

export interface EntryValues extends Record<string, unknown> {
  title: string;
  content: string;
  tags: string[];
  agentIds: string[];
}

const deletedAgent = 'Deleted agent';

export function TagBadges({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <Text size="sm">No tags</Text>;
  return (
    <Group gap={4} wrap="wrap">
      {tags.map((t) => (
        <Badge key={t} variant="default" tt="none" miw="fit-content">
          {t}
        </Badge>
      ))}
    </Group>
  );
}

export function AgentsLimitedTo({ agentIds, agents }: { agentIds: string[]; agents: AgentNames }) {
  return (
    <Text size="sm">
      {agentIds.length === 0
        ? 'All agents'
        : agentIds.map((id) => agents.nameOf(id, deletedAgent)).join(', ')}
    </Text>
  );
}

export function EntryFields({ form, orgId }: { form: UseFormReturnType<EntryValues>; orgId: string }) {
  const agents = useAgentNames(orgId);
  const values = form.getValues();
  // An agent deleted since the entry named it stays pickable, so saving does not drop it unseen.
  const options = [
    ...agents.options,
    ...values.agentIds
      .filter((id) => !agents.options.some((o) => o.value === id))
      .map((id) => ({ value: id, label: agents.nameOf(id, deletedAgent) })),
  ];
  return (
    <Stack gap="sm">
      <TextInput label="Title" required {...form.getInputProps('title')} />
      <Textarea
        label="Content"
        required
        autosize
        minRows={10}
        maxRows={30}
        styles={{ input: monospace }}
        description={
          <>
            Text or Markdown; headings split it into the passages retrieval finds.{' '}
            <SizeCounter text={values.content} maxBytes={maxKnowledgeContentBytes} />
          </>
        }
        {...form.getInputProps('content')}
      />
      <TagsInput
        label="Tags"
        description={`Up to ${maxKnowledgeTags}; press Enter after each.`}
        maxTags={maxKnowledgeTags}
        clearable
        {...form.getInputProps('tags')}
      />
      <MultiSelect
        label="Only for these agents"
        description={`Leave empty for every agent; up to ${maxKnowledgeAgents}.`}
        placeholder={values.agentIds.length === 0 ? 'All agents' : undefined}
        data={options}
        maxValues={maxKnowledgeAgents}
        searchable
        clearable
        nothingFoundMessage={agents.loading ? 'Loading agents…' : 'No agent by that name'}
        {...form.getInputProps('agentIds')}
      />
    </Stack>
  );
}
