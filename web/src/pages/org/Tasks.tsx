/**
 * The tasks board: a column per status with buttons for the moves each task can make (and, with a
 * pointer, a card dragged onto a column it may move to), filters by
 * assignee or agent (the API lists by one of them at a time), a form for a new task, and who of the
 * org has the site open. Changes from anywhere (another member, an agent, a webhook) arrive over
 * the org's live channel and refresh the board without a reload.
 */
import {
  Avatar,
  Button,
  Card,
  Group,
  Modal,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconChecklist, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import * as z from 'zod/mini';
import { can } from '../../../../functions/api/permissions';
import { createTask, listTasks } from '../../../../functions/api/routes/tasks';
import type { Member } from '../../../../functions/api/schemas/members';
import {
  CreateTaskBody,
  type Task,
  type TaskStatus,
  taskPriorities,
  taskStatuses,
  taskTypes,
} from '../../../../functions/api/schemas/tasks';
import { useApiForm } from '../../app/forms';
import { useLiveTasks, usePresence } from '../../app/live';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { announceDone, Empty, Loaded, LoadMore, ProblemAlert } from '../../components/feedback';
import { initialsOf, MemberPerson } from '../../components/Person';
import {
  canMove,
  MoveButtons,
  mayMove,
  memberOption,
  statusLabels,
  TaskBadges,
  taskTitle,
  typeLabels,
  useMoveTask,
  useTaskPeople,
} from './task-parts';

const columnSize = 25;

type Filter = { assignedTo?: string; agentId?: string };

/** The card being dragged across the board, and what dropping it on a column does. */
interface BoardDrag {
  task: Task | null;
  start(task: Task): void;
  end(): void;
  drop(to: TaskStatus): void;
}

/** A form's blank text fields are absent, as the API reads them, not empty strings it would refuse. */
const blankless = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== null));
const NewTaskSchema = z.pipe(
  z.transform((v) => blankless(v as Record<string, unknown>)),
  CreateTaskBody,
);

interface NewTaskValues extends Record<string, unknown> {
  type: Task['type'];
  priority: Task['priority'];
  subject: string;
  toAddress: string;
  fromAddress: string;
  content: string;
  assignedTo: string;
  agentId: string;
}

const addressLabels: Record<Task['type'], { to: string; from: string; placeholder?: string; hint?: string }> =
  {
    call: {
      to: 'Number to call',
      from: 'Calling from',
      placeholder: '+14155550123',
      hint: 'E.164: + then the country code and the number, no spaces.',
    },
    email: { to: 'Email to', from: 'Email from', placeholder: 'name@example.com' },
    other: { to: 'To', from: 'From' },
  };

function NewTaskForm({
  orgId,
  members,
  agents,
  onDone,
}: {
  orgId: string;
  members: Member[];
  agents: { id: string; name: string }[];
  onDone(): void;
}) {
  const create = useChange(createTask, { orgId });
  const { form, problem, run } = useApiForm<NewTaskValues>(NewTaskSchema, {
    initialValues: {
      type: 'call',
      priority: 'medium',
      subject: '',
      toAddress: '',
      fromAddress: '',
      content: '',
      assignedTo: '',
      agentId: '',
    },
  });
  const type = form.getValues().type;
  const labels = addressLabels[type];
  const address = (field: 'toAddress' | 'fromAddress', label: string) => (
    <TextInput
      label={label}
      description={labels.hint}
      placeholder={labels.placeholder}
      inputMode={type === 'call' ? 'tel' : type === 'email' ? 'email' : 'text'}
      autoComplete="off"
      {...form.getInputProps(field)}
    />
  );
  return (
    <form
      aria-label="New task"
      onSubmit={run(async (values) => {
        const body = NewTaskSchema.parse(values);
        const { data } = await create.mutateAsync({ params: { orgId }, body });
        announceDone(`“${taskTitle(data)}” was added to Pending.`);
        onDone();
      })}
    >
      <Stack gap="sm">
        <ProblemAlert error={problem} />
        <Group grow align="flex-start" wrap="wrap">
          <NativeSelect
            label="Type"
            data={taskTypes.map((t) => ({ value: t, label: typeLabels[t] }))}
            {...form.getInputProps('type')}
          />
          <NativeSelect label="Priority" data={[...taskPriorities]} {...form.getInputProps('priority')} />
        </Group>
        <TextInput label="Subject" maxLength={500} {...form.getInputProps('subject')} />
        {address('toAddress', labels.to)}
        {address('fromAddress', labels.from)}
        <NativeSelect
          label="Assigned to"
          data={[{ value: '', label: 'Nobody yet' }, ...members.map(memberOption)]}
          {...form.getInputProps('assignedTo')}
        />
        <NativeSelect
          label="Agent"
          data={[{ value: '', label: 'No agent' }, ...agents.map((a) => ({ value: a.id, label: a.name }))]}
          {...form.getInputProps('agentId')}
        />
        <Textarea label="Notes" autosize minRows={2} maxRows={6} {...form.getInputProps('content')} />
        <Button type="submit" w="fit-content" leftSection={<IconPlus size={16} />} loading={create.isPending}>
          Add task
        </Button>
      </Stack>
    </form>
  );
}

function TaskCard({
  orgId,
  task,
  mayChange,
  who,
  drag,
}: {
  orgId: string;
  task: Task;
  mayChange: boolean;
  who?: React.ReactNode;
  drag: BoardDrag;
}) {
  const movable = mayChange && taskStatuses.some((to) => canMove(task.status, to));
  return (
    <Card
      withBorder
      padding="sm"
      role="listitem"
      data-task-id={task.id}
      draggable={movable}
      style={movable ? { cursor: 'grab' } : undefined}
      onDragStart={
        movable
          ? (e: React.DragEvent) => {
              e.dataTransfer.effectAllowed = 'move';
              // Some browsers start a drag only with data set; the board itself reads `drag.task`.
              e.dataTransfer.setData('text/plain', taskTitle(task));
              drag.start(task);
            }
          : undefined
      }
      onDragEnd={movable ? drag.end : undefined}
    >
      <Stack gap={6}>
        <Text fw={600} component={Link} to={task.id} style={{ overflowWrap: 'anywhere' }}>
          {taskTitle(task)}
        </Text>
        <TaskBadges task={task} />
        {who}
        {mayChange && <MoveButtons orgId={orgId} task={task} />}
      </Stack>
    </Card>
  );
}

function Column({
  status,
  tasks,
  footer,
  render,
  drag,
}: {
  status: TaskStatus;
  tasks: Task[];
  footer?: React.ReactNode;
  render(task: Task): React.ReactNode;
  drag: BoardDrag;
}) {
  const headingId = `column-${status}`;
  // Only the columns the dragged task may move to accept it, and they show it.
  const target = drag.task !== null && canMove(drag.task.status, status);
  return (
    <Card
      withBorder
      padding="sm"
      bg="var(--mantine-color-default-hover)"
      component="section"
      aria-labelledby={headingId}
      data-drop-target={target || undefined}
      style={
        target ? { outline: '2px dashed var(--mantine-primary-color-filled)', outlineOffset: -2 } : undefined
      }
      onDragOver={
        target
          ? (e: React.DragEvent) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
            }
          : undefined
      }
      onDrop={
        target
          ? (e: React.DragEvent) => {
              e.preventDefault();
              drag.drop(status);
            }
          : undefined
      }
    >
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Title order={2} size="h5" id={headingId}>
            {statusLabels[status]}
          </Title>
          <Text size="sm" aria-label={`${tasks.length} tasks shown`}>
            {tasks.length}
          </Text>
        </Group>
        {tasks.length === 0 ? (
          <Text size="sm">None</Text>
        ) : (
          <Stack gap="xs" role="list" aria-labelledby={headingId}>
            {tasks.map(render)}
          </Stack>
        )}
        {footer}
      </Stack>
    </Card>
  );
}

/** One paged list per status (each its own Query on the status index). */
function StatusColumn({
  orgId,
  status,
  render,
  drag,
}: {
  orgId: string;
  status: TaskStatus;
  render(t: Task): React.ReactNode;
  drag: BoardDrag;
}) {
  const list = usePagedRoute(listTasks, { params: { orgId }, query: { status, limit: columnSize } });
  return (
    <Loaded query={{ ...list, data: list.items }} rows={2}>
      {(items) => (
        <Column status={status} tasks={items} render={render} drag={drag} footer={<LoadMore list={list} />} />
      )}
    </Loaded>
  );
}

/** With an assignee or agent chosen: that one list, sorted into the columns here. */
function FilteredColumns({
  orgId,
  filter,
  render,
  drag,
}: {
  orgId: string;
  filter: Filter;
  render(t: Task): React.ReactNode;
  drag: BoardDrag;
}) {
  const list = usePagedRoute(listTasks, { params: { orgId }, query: { ...filter, limit: 100 } });
  return (
    <Loaded query={{ ...list, data: list.items }}>
      {(items) => (
        <Stack gap="sm">
          <Board>
            {taskStatuses.map((status) => (
              <Column
                key={status}
                status={status}
                tasks={items.filter((t) => t.status === status)}
                render={render}
                drag={drag}
              />
            ))}
          </Board>
          <LoadMore list={list} />
        </Stack>
      )}
    </Loaded>
  );
}

function Board({ children }: { children: React.ReactNode }) {
  // Side by side on wide screens; on a phone the columns stack, so nothing scrolls sideways.
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
      {children}
    </SimpleGrid>
  );
}

/**
 * The members online now. Names come from the member list, never from the heartbeat,
 * which carries only the publisher's id; so nothing a member sends decides what others see.
 */
function OnlineNow({
  userIds,
  memberOf,
}: {
  userIds: string[];
  memberOf: (userId: string) => Member | undefined;
}) {
  return (
    <Group gap="xs" aria-label="Online now" role="group">
      <Text size="sm">Online now</Text>
      {/* A slight overlap only: the default hides the second initial of every avatar but the last. */}
      <Avatar.Group spacing={4}>
        {userIds.map((userId) => {
          const member = memberOf(userId);
          const label = member?.name || member?.email || 'A member';
          return (
            <Tooltip key={userId} label={member?.name ? `${member.name} (${member.email})` : label} withArrow>
              <Avatar
                role="img"
                aria-label={label}
                src={member?.picture ?? undefined}
                color="indigo"
                variant="light"
                size="md"
                data-user-id={userId}
              >
                {member ? initialsOf(member.name, member.email) : '?'}
              </Avatar>
            </Tooltip>
          );
        })}
      </Avatar.Group>
    </Group>
  );
}

export function Tasks() {
  const { orgId = '' } = useParams();
  const { profile } = useSession();
  useLiveTasks(orgId);
  const online = usePresence(orgId);
  const { role, members: memberList, memberOf, absent, agents } = useTaskPeople(orgId);
  const [filter, setFilter] = useState<Filter>({});
  const [creating, setCreating] = useState(false);
  const [dragged, setDragged] = useState<Task | null>(null);
  const { move } = useMoveTask(orgId);
  const drag: BoardDrag = {
    task: dragged,
    start: setDragged,
    end: () => setDragged(null),
    drop: (to) => {
      if (dragged) move(dragged, to);
      setDragged(null);
    },
  };

  const who = (task: Task) => {
    const agent = task.agentId ? agents.nameOf(task.agentId, undefined) : undefined;
    if (!task.assignedTo && !agent) return undefined;
    return (
      <Stack gap={4}>
        {task.assignedTo && (
          <Stack gap={2} data-assignee>
            <Text size="xs" fw={600}>
              Assigned to
            </Text>
            <MemberPerson
              member={memberOf(task.assignedTo)}
              self={task.assignedTo === profile.id}
              fallback={absent}
            />
          </Stack>
        )}
        {agent && (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Agent: {agent}
          </Text>
        )}
      </Stack>
    );
  };
  const render = (task: Task) => (
    <TaskCard
      key={task.id}
      orgId={orgId}
      task={task}
      who={who(task)}
      mayChange={mayMove(role, profile.id, task)}
      drag={drag}
    />
  );
  const filtered = filter.assignedTo || filter.agentId;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Title order={1}>Tasks</Title>
          <OnlineNow userIds={online} memberOf={memberOf} />
        </Stack>
        {role && can(role, 'tasks:create') && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New task
          </Button>
        )}
      </Group>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <NativeSelect
          label="Assignee"
          description="One filter at a time"
          data={[
            { value: '', label: 'Anyone' },
            { value: profile.id, label: 'Me' },
            ...memberList.filter((m) => m.userId !== profile.id).map(memberOption),
          ]}
          value={filter.assignedTo ?? ''}
          onChange={(e) => setFilter(e.currentTarget.value ? { assignedTo: e.currentTarget.value } : {})}
          w={{ base: '100%', xs: 240 }}
        />
        <NativeSelect
          label="Agent"
          description="One filter at a time"
          data={[{ value: '', label: 'Any agent' }, ...agents.options]}
          value={filter.agentId ?? ''}
          onChange={(e) => setFilter(e.currentTarget.value ? { agentId: e.currentTarget.value } : {})}
          w={{ base: '100%', xs: 240 }}
        />
      </Group>
      {filtered ? (
        <FilteredColumns orgId={orgId} filter={filter} render={render} drag={drag} />
      ) : (
        <Board>
          {taskStatuses.map((status) => (
            <StatusColumn key={status} orgId={orgId} status={status} render={render} drag={drag} />
          ))}
        </Board>
      )}
      <NoTasksHint orgId={orgId} mayCreate={!!role && can(role, 'tasks:create')} hidden={!!filtered} />
      <Modal opened={creating} onClose={() => setCreating(false)} title="New task" size="lg">
        <NewTaskForm
          orgId={orgId}
          members={memberList}
          agents={agents.items}
          onDone={() => setCreating(false)}
        />
      </Modal>
    </Stack>
  );
}

/** An org without any task yet gets a word on what the board is for and how to start. */
function NoTasksHint({ orgId, mayCreate, hidden }: { orgId: string; mayCreate: boolean; hidden: boolean }) {
  const any = useRoute(listTasks, { params: { orgId }, query: { limit: 1 } }, !hidden);
  if (hidden || (any.data?.data.items.length ?? 1) > 0) return null;
  return (
    <Empty
      icon={<IconChecklist size={28} />}
      title="No tasks yet"
      description={
        mayCreate
          ? 'Add the first one with “New task”; calls your agents take show up here by themselves.'
          : 'Tasks appear here as members and agents add them.'
      }
    />
  );
}
