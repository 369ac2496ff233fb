/**
 * The console's routes. Hash routes, because the site is static files on CloudFront (and Google
 * sends people back to `#/orgs/<id>/calendar`). Every page is its own chunk, loaded when first
 * visited; `handle.crumb` names it in the breadcrumbs.
 */
import { createHashRouter, type RouteObject } from 'react-router';
import { acceptRoute } from './app/invite-link';
import { AppLayout } from './components/AppLayout';
import { OrgName } from './components/OrgName';
import { adminPages } from './pages/admin/routes';

type Page = Record<string, React.ComponentType>;

/** A lazily loaded page: the module and the name of its component export. */
function page(load: () => Promise<Page>, name: string): RouteObject['lazy'] {
  return async () => ({ Component: (await load())[name] });
}

export const orgPages: RouteObject[] = [
  { index: true, lazy: page(() => import('./pages/org/Overview'), 'Overview') },
  {
    path: 'dashboard',
    handle: { crumb: () => 'Dashboard' },
    lazy: page(() => import('./pages/org/Dashboard'), 'Dashboard'),
  },
  {
    path: 'agents',
    handle: { crumb: () => 'Agents' },
    children: [
      { index: true, lazy: page(() => import('./pages/org/Agents'), 'Agents') },
      {
        path: ':agentId',
        // The page names the agent in the breadcrumbs itself (from the cache it fills).
        lazy: async () => {
          const { AgentDetail, handle } = await import('./pages/org/AgentDetail');
          return { Component: AgentDetail, handle };
        },
      },
    ],
  },
  {
    path: 'phone-numbers',
    handle: { crumb: () => 'Phone numbers' },
    lazy: page(() => import('./pages/org/PhoneNumbers'), 'PhoneNumbers'),
  },
  {
    path: 'api-clients',
    handle: { crumb: () => 'API clients' },
    lazy: page(() => import('./pages/org/ApiClients'), 'ApiClients'),
  },
  {
    path: 'tasks',
    handle: { crumb: () => 'Tasks' },
    children: [
      { index: true, lazy: page(() => import('./pages/org/Tasks'), 'Tasks') },
      {
        path: ':taskId',
        handle: { crumb: () => 'Task' },
        lazy: page(() => import('./pages/org/TaskDetail'), 'TaskDetail'),
      },
    ],
  },
  {
    path: 'prompts',
    handle: { crumb: () => 'Prompts' },
    children: [
      { index: true, lazy: page(() => import('./pages/org/Prompts'), 'Prompts') },
      {
        path: ':promptId',
        // The page names the prompt in the breadcrumbs itself (from the cache it fills).
        lazy: async () => {
          const { PromptDetail, handle } = await import('./pages/org/PromptDetail');
          return { Component: PromptDetail, handle };
        },
      },
    ],
  },
  {
    path: 'knowledge',
    handle: { crumb: () => 'Knowledge' },
    children: [
      { index: true, lazy: page(() => import('./pages/org/Knowledge'), 'Knowledge') },
      {
        path: 'new',
        handle: { crumb: () => 'New entry' },
        lazy: async () => ({ Component: (await import('./pages/org/KnowledgeEntry')).NewKnowledgeEntry }),
      },
      {
        path: ':entryId',
        lazy: async () => {
          const { KnowledgeEntry, handle } = await import('./pages/org/KnowledgeEntry');
          return { Component: KnowledgeEntry, handle };
        },
      },
    ],
  },
  {
    path: 'chat',
    handle: { crumb: () => 'Chat' },
    lazy: page(() => import('./pages/org/Chat'), 'Chat'),
  },
  {
    path: 'conversations',
    handle: { crumb: () => 'Conversations' },
    lazy: page(() => import('./pages/org/Conversations'), 'Conversations'),
  },
  {
    path: 'calls',
    handle: { crumb: () => 'Calls' },
    children: [
      { index: true, lazy: page(() => import('./pages/org/Calls'), 'Calls') },
      {
        path: ':callId',
        handle: { crumb: () => 'Call' },
        lazy: page(() => import('./pages/org/CallDetail'), 'CallDetail'),
      },
    ],
  },
  {
    path: 'calendar',
    handle: { crumb: () => 'Calendar' },
    lazy: page(() => import('./pages/org/Calendar'), 'Calendar'),
  },
  {
    path: 'settings',
    handle: { crumb: () => 'Settings' },
    lazy: page(() => import('./pages/org/Settings'), 'Settings'),
  },
  {
    path: 'audit',
    handle: { crumb: () => 'Audit log' },
    lazy: page(() => import('./pages/org/Audit'), 'Audit'),
  },
  {
    path: 'members',
    handle: { crumb: () => 'Members' },
    lazy: page(() => import('./pages/org/Members'), 'Members'),
  },
  {
    path: 'invitations',
    handle: { crumb: () => 'Invitations' },
    lazy: page(() => import('./pages/org/Invitations'), 'Invitations'),
  },
];

export const router = createHashRouter([
  {
    path: '/',
    Component: AppLayout,
    handle: { crumb: () => 'Home' },
    children: [
      { index: true, lazy: page(() => import('./pages/Home'), 'Home') },
      {
        path: 'profile',
        handle: { crumb: () => 'Profile' },
        lazy: page(() => import('./pages/Profile'), 'Profile'),
      },
      {
        path: acceptRoute.slice(1),
        handle: { crumb: () => 'Invitation' },
        lazy: page(() => import('./pages/AcceptInvite'), 'AcceptInvite'),
      },
      {
        path: 'admin',
        handle: { crumb: () => 'Platform admin' },
        children: adminPages,
      },
      {
        path: 'orgs/:orgId',
        handle: { crumb: ({ orgId }: { orgId?: string }) => <OrgName orgId={orgId!} /> },
        children: orgPages,
      },
      { path: '*', lazy: page(() => import('./pages/NotFound'), 'NotFound') },
    ],
  },
]);
