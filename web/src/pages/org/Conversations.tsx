/**
 * The organization's conversations, newest first, optionally one agent's: a preview line (its first
 * question), who started it (the member's email, or the API client), on which channel, how many
 * messages and tokens, failed replies, and a link to continue it in the chat console. Cards at every
 * width, so nothing scrolls sideways on a phone.
 */
import { Anchor, Badge, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { listConversations } from '../../../../functions/api/routes/conversations';
import { listMembers } from '../../../../functions/api/routes/tenancy';
import type { Conversation } from '../../../../functions/api/schemas/conversations';
import { useAgentNames } from '../../app/agent-names';
import { usePagedRoute } from '../../app/paging';
import { useRoute } from '../../app/queries';
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
  const members = useRoute(listMembers, { params: { orgId }, query: { limit: 100 } });
  /** Who started a conversation, in words: a contact it is with, else the member's email or the API client. */
  const starter = (c: Conversation) => {
    if (c.contact?.name || c.contact?.email) return `With ${c.contact.name ?? c.contact.email}`;
    if (c.createdBy.kind === 'apiClient') return 'Started by an API client';
    const email = members.data?.data.items.find((m) => m.userId === c.createdBy.id)?.email;
    return `Started by ${email ?? 'a member'}`;
  };

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
              <Text size="sm" lineClamp={1} style={{ overflowWrap: 'anywhere' }} data-testid="preview">
                {c.preview ?? 'No messages yet'}
              </Text>
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {`${starter(c)} · ${c.messageCount} messages · ${(c.inputTokens + c.outputTokens).toLocaleString()} tokens`}
              </Text>
            </Stack>
            <Group gap="xs">
              <Badge variant="light" aria-label={`Channel: ${c.channel}`}>
                {c.channel}
              </Badge>
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
