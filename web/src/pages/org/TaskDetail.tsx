/**
 * One task: what it is, where it stands, who and what works it, with the moves it can make now and,
 * for managers, deletion after confirming. Live changes refresh it as they do the board.
 */

import { Anchor, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { can } from '../../../../functions/api/permissions';
import { deleteTask, getTask } from '../../../../functions/api/routes/tasks';
import type { Task } from '../../../../functions/api/schemas/tasks';
import { useLiveTasks } from '../../app/live';
import { useChange, useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, announceFailure, Loaded } from '../../components/feedback';
import { MemberPerson } from '../../components/Person';
import { MoveButtons, mayMove, statusLabels, TaskBadges, taskTitle, useTaskPeople } from './task-parts';

/** Who made a task when it was not a member. */
const creatorLabels: Record<Exclude<Task['createdBy']['kind'], 'member'>, string> = {
  apiClient: 'An API client',
  platformAdmin: 'A platform admin',
  integration: 'An integration',
  agent: 'An agent (on a call)',
};

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

function TaskView({ orgId, task }: { orgId: string; task: Task }) {
  const { profile } = useSession();
  const format = useFormat();
  const navigate = useNavigate();
  const { role, memberOf, absent, agents } = useTaskPeople(orgId);
  const remove = useChange(deleteTask, { orgId });
  const title = taskTitle(task);
  const when = (iso: string | null) => (iso ? format.dateTime(iso) : '—');
  const assignee = task.assignedTo ? (
    <MemberPerson
      member={memberOf(task.assignedTo)}
      self={task.assignedTo === profile.id}
      fallback={absent}
    />
  ) : (
    'Nobody yet'
  );
  const agent = task.agentId ? agents.nameOf(task.agentId, 'An agent') : 'None';
  const creator =
    task.createdBy.kind === 'member' ? (
      <MemberPerson
        member={memberOf(task.createdBy.id)}
        self={task.createdBy.id === profile.id}
        fallback={absent}
      />
    ) : (
      creatorLabels[task.createdBy.kind]
    );
  const confirmDelete = () =>
    confirmDestructive({
      title: 'Delete task',
      message: `Delete “${title}” for good? It leaves the board and the summary.`,
      confirmLabel: 'Delete task',
      onConfirm: () =>
        remove.mutate(
          { params: { orgId, taskId: task.id }, etag: `"${task.version}"` },
          {
            onSuccess: () => {
              announceDone(`“${title}” was deleted.`);
              navigate(`/orgs/${orgId}/tasks`);
            },
            onError: (error) => announceFailure(`“${title}” was not deleted`, error),
          },
        ),
    });

  return (
    <Stack gap="md">
      <Stack gap={6}>
        <Title order={1} style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        <Group gap="sm" wrap="wrap">
          <Text fw={600}>{statusLabels[task.status]}</Text>
          <TaskBadges task={task} />
        </Group>
      </Stack>
      {mayMove(role, profile.id, task) && <MoveButtons orgId={orgId} task={task} />}
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Field label="To">{task.toAddress ?? '—'}</Field>
          <Field label="From">{task.fromAddress ?? '—'}</Field>
          <Field label="Assigned to">{assignee}</Field>
          <Field label="Agent">{agent}</Field>
          <Field label="Scheduled">{when(task.scheduledAt)}</Field>
          <Field label="Started">{when(task.startedAt)}</Field>
          <Field label="Ended">{when(task.completedAt)}</Field>
          <Field label="Created">{when(task.createdAt)}</Field>
          <Field label="Created by">{creator}</Field>
        </SimpleGrid>
      </Card>
      {task.content && (
        <Card withBorder>
          <Field label="Notes">
            <Text style={{ whiteSpace: 'pre-wrap' }}>{task.content}</Text>
          </Field>
        </Card>
      )}
      {Object.keys(task.metadata).length > 0 && (
        <Card withBorder>
          <Field label="Metadata">
            <Code block>{JSON.stringify(task.metadata, null, 2)}</Code>
          </Field>
        </Card>
      )}
      <Group justify="space-between" wrap="wrap">
        <Anchor component={Link} to={`/orgs/${orgId}/tasks`}>
          Back to the board
        </Anchor>
        {role && can(role, 'tasks:delete') && (
          <Button
            variant="light"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={confirmDelete}
            loading={remove.isPending}
          >
            Delete task
          </Button>
        )}
      </Group>
    </Stack>
  );
}

export function TaskDetail() {
  const { orgId = '', taskId = '' } = useParams();
  useLiveTasks(orgId);
  const task = useRoute(getTask, { params: { orgId, taskId } });
  return (
    <Loaded query={{ ...task, data: task.data?.data }}>{(t) => <TaskView orgId={orgId} task={t} />}</Loaded>
  );
}
