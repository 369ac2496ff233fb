/** Tasks: calls, emails and follow-ups that agents and members work through a state machine. */
import { route } from '../route';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';
import {
  CreateTaskBody,
  CreateTaskHeaders,
  Task,
  TaskListQuery,
  TaskParams,
  TaskSummary,
  TaskSummaryQuery,
  UpdateTaskBody,
} from '../schemas/tasks';

export const createTask = route({
  operationId: 'createTask',
  method: 'POST',
  path: '/orgs/{orgId}/tasks',
  module: 'tasks',
  summary:
    'Create a task (pending); an Idempotency-Key makes retries safe: the same key and body within 24 hours answer the first result',
  auth: { kind: 'org', permission: 'tasks:create' },
  params: OrgParams,
  headers: CreateTaskHeaders,
  body: CreateTaskBody,
  response: Task,
  successStatus: 201,
  errors: [422],
});

export const listTasks = route({
  operationId: 'listTasks',
  method: 'GET',
  path: '/orgs/{orgId}/tasks',
  module: 'tasks',
  summary:
    'The org’s tasks, a page at a time: newest first, or by status (ordered by scheduledAt), by assignee or by agent',
  auth: { kind: 'org', permission: 'tasks:read' },
  params: OrgParams,
  query: TaskListQuery,
  response: page(Task),
  successStatus: 200,
});

export const getTaskSummary = route({
  operationId: 'getTaskSummary',
  method: 'GET',
  path: '/orgs/{orgId}/tasks/summary',
  module: 'tasks',
  summary:
    'Tasks created per local day of [from, to) in tz, by type and current status (from counters kept on write)',
  auth: { kind: 'org', permission: 'tasks:read' },
  params: OrgParams,
  query: TaskSummaryQuery,
  response: TaskSummary,
  successStatus: 200,
});

export const getTask = route({
  operationId: 'getTask',
  method: 'GET',
  path: '/orgs/{orgId}/tasks/{taskId}',
  module: 'tasks',
  summary: 'A task',
  auth: { kind: 'org', permission: 'tasks:read' },
  params: TaskParams,
  response: Task,
  successStatus: 200,
});

export const updateTask = route({
  operationId: 'updateTask',
  method: 'PATCH',
  path: '/orgs/{orgId}/tasks/{taskId}',
  module: 'tasks',
  summary:
    'Change a task or move its status (honours If-Match); members change tasks assigned to them, managers any; an illegal transition is a 409 naming the allowed ones',
  auth: { kind: 'org', permission: 'tasks:updateOwn' },
  params: TaskParams,
  body: UpdateTaskBody,
  response: Task,
  successStatus: 200,
  errors: [409, 412],
});

export const deleteTask = route({
  operationId: 'deleteTask',
  method: 'DELETE',
  path: '/orgs/{orgId}/tasks/{taskId}',
  module: 'tasks',
  summary: 'Delete a task for good (honours If-Match); the summary no longer counts it',
  auth: { kind: 'org', permission: 'tasks:delete' },
  params: TaskParams,
  successStatus: 204,
  errors: [409, 412],
});
