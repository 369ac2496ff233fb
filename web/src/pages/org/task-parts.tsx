/**
 * What the tasks board and a task's page share: the status and type vocabulary, the moves a task
 * can make from its status, the buttons that make them, who may press them, and the people and
 * agents tasks name.
 */
import { Badge, Button, Group } from '@mantine/core';
import { can, type OrgRole } from '../../../../functions/api/permissions';
import { updateTask } from '../../../../functions/api/routes/tasks';
import type { Member } from '../../../../functions/api/schemas/members';
import type { Task, TaskStatus } from '../../../../functions/api/schemas/tasks';
import { useAgentNames } from '../../app/agent-names';
import { useMemberDirectory } from '../../app/people';
import { useChange } from '../../app/queries';
import { announceDone, announceFailure } from '../../components/feedback';

export const statusLabels: Record<TaskStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const typeLabels: Record<Task['type'], string> = { call: 'Call', email: 'Email', other: 'Other' };

const priorityColors: Record<Task['priority'], string> = {
  low: 'gray',
  medium: 'blue',
  high: 'orange',
  urgent: 'red',
};

/**
 * The moves of the state machine (functions/domain/tasks.ts holds the rule; the API answers any
 * other move with a 409 naming the allowed ones), each with the verb its button says.
 */
const moves: Record<TaskStatus, { to: TaskStatus; verb: string }[]> = {
  pending: [
    { to: 'in_progress', verb: 'Start' },
    { to: 'cancelled', verb: 'Cancel' },
  ],
  in_progress: [
    { to: 'completed', verb: 'Complete' },
    { to: 'failed', verb: 'Mark failed' },
    { to: 'cancelled', verb: 'Cancel' },
  ],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * The caller's role, and who tasks name: the org's first 100 members (read only when the role may)
 * with `memberOf` and `labelOf`, and its agents.
 */
export function useTaskPeople(orgId: string) {
  return { ...useMemberDirectory(orgId), agents: useAgentNames(orgId) };
}

/** A member as a choice in a list: their name with the email in brackets, or the email alone. */
export const memberOption = (m: Member) => ({
  value: m.userId,
  label: m.name ? `${m.name} (${m.email})` : m.email,
});

/** Managers and up change any task; members those assigned to them; viewers none. */
export function mayMove(role: OrgRole | undefined, userId: string, task: Task): boolean {
  if (!role) return false;
  return can(role, 'tasks:updateAny') || (can(role, 'tasks:updateOwn') && task.assignedTo === userId);
}

export function TaskBadges({ task }: { task: Task }) {
  return (
    <Group gap={6} wrap="wrap">
      <Badge variant="light" color="gray">
        {typeLabels[task.type]}
      </Badge>
      <Badge variant="light" color={priorityColors[task.priority]}>
        {task.priority}
      </Badge>
    </Group>
  );
}

export const taskTitle = (task: Task) => task.subject || `${typeLabels[task.type]} task`;

/** True when the state machine lets a task in `from` move to `to` (a drop target on the board). */
export const canMove = (from: TaskStatus, to: TaskStatus) => moves[from].some((m) => m.to === to);

/**
 * Moving a task, by button or by drag: sends the version the task was shown at, so a stale move
 * is refused, and says so when the change lands (before the refresh moves its card away).
 */
export function useMoveTask(orgId: string) {
  const move = useChange(updateTask, {
    orgId,
    onSuccess: ({ data }) =>
      announceDone(`“${taskTitle(data)}” is ${statusLabels[data.status].toLowerCase()}.`),
  });
  return {
    move: (task: Task, to: TaskStatus) =>
      move.mutate(
        { params: { orgId, taskId: task.id }, body: { status: to }, etag: `"${task.version}"` },
        { onError: (error) => announceFailure(`“${taskTitle(task)}” did not move`, error) },
      ),
    /** The status a move under way is heading to, if any. */
    pendingTo: move.isPending ? move.variables?.body?.status : undefined,
  };
}

/** The buttons for the moves a task can make now: the keyboard's (and the phone's) way to move it. */
export function MoveButtons({ orgId, task }: { orgId: string; task: Task }) {
  const title = taskTitle(task);
  const { move, pendingTo } = useMoveTask(orgId);
  return (
    <Group gap={6} wrap="wrap">
      {moves[task.status].map(({ to, verb }, i) => (
        <Button
          key={to}
          size="compact-sm"
          // The way forward stands out; the others are plain (light colours fail contrast here).
          variant={i === 0 ? 'light' : 'default'}
          aria-label={`${verb}: ${title}`}
          loading={pendingTo === to}
          disabled={pendingTo !== undefined}
          onClick={() => move(task, to)}
        >
          {verb}
        </Button>
      ))}
    </Group>
  );
}
