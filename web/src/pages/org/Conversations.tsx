/**
 * The organization's conversations, newest first, optionally one agent's: who started each, on
 * which channel, how many messages and tokens, failed replies, and a link to continue it in the chat
 * console. Cards at every width, so nothing scrolls sideways on a phone.
 */
import { Anchor, Badge, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { listConversations } from '../../../../functions/api/routes/conversations';
import { useAgentNames } from '../../app/agent-names';
import { usePagedRoute } from '../../app/paging';
import { useFormat } from '../../app/time';
import { Empty } from '../../components/feedback';
import { PagedCardList } from '../../components/PagedCardList';

export function Conversations() {
  const { orgId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const agentId = search.get('agentId') ?? undefined;
  const agents = useAgentNames(orgId);
  const list = usePagedRoute(listConversations, {
    params: { orgId },
    query: { limit: 25, ...(agentId ? { agentId } : {}) },
  });
  const { dateTime } = useFormat();

  return (
    <Stack gap="md">
      <Title order={1}>Conversations</Title>
      <NativeSelect
        label="Agent"
        data={[{ value: '', label: 'All agents' }, ...agents.options]}
        value={agentId ?? ''}
        onChange={(e) =>
          setSearch(e.currentTarget.value ? { agentId: e.currentTarget.value } : {}, { replace: true })
        }
        maw={360}
      />
      <PagedCardList
        list={list}
        label="Conversations"
        empty={
          <Empty
            icon={<IconMessages size={28} />}
            title="No conversations yet"
            description="Conversations appear here when someone chats with an agent, in the chat console or through the API."
            action={
              <Anchor component={Link} to={`/orgs/${orgId}/chat`}>
                Open the chat console
              </Anchor>
            }
          />
        }
        keyOf={(c) => c.id}
        card={(c) => (
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Stack gap={2} miw={0}>
              <Anchor
                component={Link}
                to={`/orgs/${orgId}/chat?agentId=${c.agentId}&conversationId=${c.id}`}
                fw={600}
              >
                {agents.nameOf(c.agentId, 'Agent')} · {dateTime(c.createdAt)}
              </Anchor>
              <Text size="sm" c="dimmed">
                {c.contact?.name ??
                  c.contact?.email ??
                  (c.createdBy.kind === 'apiClient' ? 'API client' : 'Member')}
                {` · ${c.messageCount} messages · ${(c.inputTokens + c.outputTokens).toLocaleString()} tokens`}
              </Text>
            </Stack>
            <Group gap="xs">
              <Badge variant="light">{c.channel}</Badge>
              {c.failedCount > 0 && (
                <Badge color="red" variant="light">
                  {c.failedCount} failed
                </Badge>
              )}
            </Group>
          </Group>
        )}
      />
    </Stack>
  );
}
