/**
 * The route table: the single source for the local gateway, the CDK HTTP API, the OpenAPI
 * document and the generated tenant-isolation test. Each resource group lists its routes in
 * routes/<group>.ts; org-scoped routes carry their permission.
 */
import type { RouteSpec } from './route';
import * as admin from './routes/admin';
import * as agentSessions from './routes/agent-sessions';
import * as agents from './routes/agents';
import * as apiClients from './routes/api-clients';
import * as calendar from './routes/calendar';
import * as calls from './routes/calls';
import * as conversations from './routes/conversations';
import * as knowledge from './routes/knowledge';
import * as phoneNumbers from './routes/phone-numbers';
import * as profile from './routes/profile';
import * as prompts from './routes/prompts';
import * as runtimeTurns from './routes/runtime-turns';
import * as sales from './routes/sales';
import * as tasks from './routes/tasks';
import * as teamMembers from './routes/team-members';
import * as tenancy from './routes/tenancy';
import * as voice from './routes/voice';
import * as webhooks from './routes/webhooks';

export const routes: readonly RouteSpec[] = [
  ...Object.values(profile),
  ...Object.values(tenancy),
  ...Object.values(calendar),
  ...Object.values(agents),
  ...Object.values(agentSessions),
  ...Object.values(phoneNumbers),
  ...Object.values(prompts),
  ...Object.values(knowledge),
  ...Object.values(conversations),
  ...Object.values(voice),
  ...Object.values(apiClients),
  ...Object.values(runtimeTurns),
  ...Object.values(calls),
  ...Object.values(tasks),
  ...Object.values(teamMembers),
  ...Object.values(sales),
  ...Object.values(admin),
  ...Object.values(webhooks),
];
