/** The platform admin area's routes: one lazy chunk (./Admin) for all of its pages. */
import type { RouteObject } from 'react-router';

const admin =
  (name: 'AdminLayout' | 'AdminOrgs' | 'AdminOrgDetail' | 'AdminUsers' | 'AdminAdmins' | 'AdminAudit') =>
  async () => ({ Component: (await import('./Admin'))[name] });

export const adminPages: RouteObject[] = [
  {
    lazy: admin('AdminLayout'),
    children: [
      { index: true, lazy: admin('AdminOrgs') },
      { path: 'orgs/:orgId', handle: { crumb: () => 'Organization' }, lazy: admin('AdminOrgDetail') },
      { path: 'users', handle: { crumb: () => 'Users' }, lazy: admin('AdminUsers') },
      { path: 'admins', handle: { crumb: () => 'Admins' }, lazy: admin('AdminAdmins') },
      { path: 'audit', handle: { crumb: () => 'Platform audit' }, lazy: admin('AdminAudit') },
    ],
  },
];
