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
  tasks: { read: 'viewer', create: 'member', updateOwn: 'member', updateAny: 'manager', delete: 'manager' },
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
