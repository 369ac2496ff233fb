/**
 * The one permission matrix: for every resource and action, the lowest org role allowed to do it.
 * Roles are strictly ordered, so "at least manager" is the whole rule; exceptions that depend on
 * the target (admins cannot touch owners, the last owner stays) live in domain/memberships.ts.
 */

export const orgRoles = ['owner', 'admin', 'manager', 'member', 'viewer'] as const;
export type OrgRole = (typeof orgRoles)[number];

const matrix = {
  org: { read: 'viewer', update: 'admin', delete: 'owner', transferOwnership: 'owner', leave: 'viewer' },
  members: { read: 'viewer', update: 'admin', remove: 'admin' },
  invites: { read: 'manager', create: 'manager', revoke: 'manager', resend: 'manager' },
  audit: { read: 'admin' },
  agents: {
    read: 'viewer',
    create: 'admin',
    update: 'admin',
    delete: 'admin',
    configure: 'admin',
    share: 'admin',
    // A browser test call (a LiveKit token), with the org's own agents and those shared into it.
    call: 'member',
  },
  phoneNumbers: { read: 'viewer', manage: 'admin' },
  // A prompt is agent behaviour, like an agent's configuration: admins change it.
  prompts: { read: 'viewer', write: 'admin' },
  // Knowledge is content that support leads keep current; it cannot change how an agent is set up.
  knowledge: { read: 'viewer', write: 'manager' },
  // Conversations are the org's record of what its agents said, read like tasks and knowledge;
  // chatting spends the org's model-token budget and speaks for the org, so read-only viewers do not.
  conversations: { read: 'viewer', chat: 'member' },
  // Org API clients (machine callers): creating one hands out a credential acting with a role.
  apiClients: { read: 'admin', manage: 'admin' },
  // Members create tasks and work those assigned to them; managers run the queue (any task, delete).
  // Call records are the org's record of its agents' calls, read like conversations: viewers too.
  calls: { read: 'viewer' },
  tasks: { read: 'viewer', create: 'member', updateOwn: 'member', updateAny: 'manager', delete: 'manager' },
  // People of the org with or without logins (issue 25): everyone reads the team, managers run it.
  teamMembers: { read: 'viewer', write: 'manager' },
  // Money: managers enter and read every sale; a sales rep reads their own through the `sales`
  // additional role (readOwn), which no org role below manager has by itself.
  sales: { read: 'manager', readOwn: 'manager', write: 'manager' },
  // Plans decide pay, so admins write them; approving lines for payout is its own action.
  commissions: {
    read: 'manager',
    readOwn: 'manager',
    managePlans: 'admin',
    approve: 'admin',
    dispute: 'manager',
  },
  calendar: {
    connect: 'member',
    readOwn: 'member',
    readOthers: 'manager',
    writeOwn: 'member',
    sync: 'member',
  },
} as const satisfies Record<string, Record<string, OrgRole>>;

export type Resource = keyof typeof matrix;
export type Permission = {
  [R in Resource]: `${R}:${Extract<keyof (typeof matrix)[R], string>}`;
}[Resource];

export const permissions: Permission[] = Object.entries(matrix).flatMap(([resource, actions]) =>
  Object.keys(actions).map((action) => `${resource}:${action}` as Permission),
);

export function rank(role: OrgRole): number {
  return orgRoles.length - orgRoles.indexOf(role);
}

export function minimumRole(permission: Permission): OrgRole {
  const [resource, action] = permission.split(':') as [Resource, string];
  return (matrix[resource] as Record<string, OrgRole>)[action]!;
}

export function can(role: OrgRole, permission: Permission): boolean {
  return rank(role) >= rank(minimumRole(permission));
}

/**
 * Additional roles (labels on a membership, beside its org role) that grant permissions on top of
 * it: a sales rep sees their own sales and statements and disputes their own lines; a bot trainer
 * edits agents, prompts and knowledge without being an admin. Other labels grant nothing.
 */
export const additionalRoleGrants = {
  sales: ['sales:readOwn', 'commissions:readOwn', 'commissions:dispute'],
  bot_trainer: ['agents:update', 'agents:configure', 'prompts:write', 'knowledge:write'],
} as const satisfies Record<string, readonly Permission[]>;
export type GrantingRole = keyof typeof additionalRoleGrants;
export const grantingRoles = Object.keys(additionalRoleGrants) as GrantingRole[];

/** What a membership may do: its org role's permissions and those its additional roles grant. */
export function allows(
  membership: { role: OrgRole; additionalRoles: readonly string[] },
  permission: Permission,
): boolean {
  if (can(membership.role, permission)) return true;
  return membership.additionalRoles.some((label) =>
    (additionalRoleGrants[label as GrantingRole] as readonly Permission[] | undefined)?.includes(permission),
  );
}

/**
 * Platform roles (README "Platform administration"): people who run the platform, across orgs.
 * superadmin > admin > support; each /admin route names the lowest that may call it. support
 * reads only; admins also suspend, reactivate and set plans; only superadmins manage admins.
 */
export const platformRoles = ['superadmin', 'admin', 'support'] as const;
export type PlatformRole = (typeof platformRoles)[number];

export function platformRank(role: PlatformRole): number {
  return platformRoles.length - platformRoles.indexOf(role);
}

export function canPlatform(role: PlatformRole | null, minimum: PlatformRole): boolean {
  return role !== null && platformRank(role) >= platformRank(minimum);
}
