import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  additionalRoleGrants,
  allows,
  can,
  type GrantingRole,
  grantingRoles,
  minimumRole,
  type OrgRole,
  orgRoles,
  type Permission,
  permissions,
  rank,
} from '../../functions/api/permissions';

/**
 * The whole matrix written out by hand: one row per permission, one column per role
 * (owner, admin, manager, member, viewer). A change to the matrix must change this table.
 */
const expected: Record<Permission, [boolean, boolean, boolean, boolean, boolean]> = {
  'org:read': [true, true, true, true, true],
  'org:update': [true, true, false, false, false],
  'org:delete': [true, false, false, false, false],
  'org:transferOwnership': [true, false, false, false, false],
  'org:leave': [true, true, true, true, true],
  'members:read': [true, true, true, true, true],
  'members:update': [true, true, false, false, false],
  'members:remove': [true, true, false, false, false],
  'invites:read': [true, true, true, false, false],
  'invites:create': [true, true, true, false, false],
  'invites:revoke': [true, true, true, false, false],
  'invites:resend': [true, true, true, false, false],
  'audit:read': [true, true, false, false, false],
  'agents:read': [true, true, true, true, true],
  'agents:create': [true, true, false, false, false],
  'agents:update': [true, true, false, false, false],
  'agents:delete': [true, true, false, false, false],
  'agents:configure': [true, true, false, false, false],
  'agents:share': [true, true, false, false, false],
  'agents:call': [true, true, true, true, false],
  'phoneNumbers:read': [true, true, true, true, true],
  'phoneNumbers:manage': [true, true, false, false, false],
  'apiClients:read': [true, true, false, false, false],
  'apiClients:manage': [true, true, false, false, false],
  'tasks:read': [true, true, true, true, true],
  'tasks:create': [true, true, true, true, false],
  'tasks:updateOwn': [true, true, true, true, false],
  'tasks:updateAny': [true, true, true, false, false],
  'tasks:delete': [true, true, true, false, false],
  'prompts:read': [true, true, true, true, true],
  'prompts:write': [true, true, false, false, false],
  'knowledge:read': [true, true, true, true, true],
  'knowledge:write': [true, true, true, false, false],
  'conversations:read': [true, true, true, true, true],
  'conversations:chat': [true, true, true, true, false],
  'calls:read': [true, true, true, true, true],
  'teamMembers:read': [true, true, true, true, true],
  'teamMembers:write': [true, true, true, false, false],
  'sales:read': [true, true, true, false, false],
  'sales:readOwn': [true, true, true, false, false],
  'sales:write': [true, true, true, false, false],
  'commissions:read': [true, true, true, false, false],
  'commissions:readOwn': [true, true, true, false, false],
  'commissions:managePlans': [true, true, false, false, false],
  'commissions:approve': [true, true, false, false, false],
  'commissions:dispute': [true, true, true, false, false],
  'calendar:connect': [true, true, true, true, false],
  'calendar:readOwn': [true, true, true, true, false],
  'calendar:readOthers': [true, true, true, false, false],
  'calendar:writeOwn': [true, true, true, true, false],
  'calendar:sync': [true, true, true, true, false],
};

describe('permission matrix', () => {
  it('has a row in the table for every permission and no other', () => {
    expect(Object.keys(expected).sort()).toEqual([...permissions].sort());
  });

  const cells = permissions.flatMap((permission) =>
    orgRoles.map((role, column) => [permission, role, expected[permission][column]] as const),
  );
  it.each(cells)('%s for %s is %s', (permission, role, allowed) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it('orders roles owner > admin > manager > member > viewer', () => {
    expect([...orgRoles].sort((a, b) => rank(b) - rank(a))).toEqual([
      'owner',
      'admin',
      'manager',
      'member',
      'viewer',
    ]);
  });

  it('never allows a lower role what it refuses a higher one, and minimumRole is the boundary', () => {
    const role = fc.constantFrom<OrgRole>(...orgRoles);
    fc.assert(
      fc.property(fc.constantFrom(...permissions), role, role, (permission, a, b) => {
        if (rank(a) >= rank(b) && can(b, permission)) expect(can(a, permission)).toBe(true);
        expect(can(a, permission)).toBe(rank(a) >= rank(minimumRole(permission)));
      }),
    );
  });
});

describe('additional roles', () => {
  const viewerWith = (...additionalRoles: string[]) => ({ role: 'viewer' as const, additionalRoles });

  it('a sales rep reads their own sales and commissions and disputes lines, nothing more', () => {
    const granted = permissions.filter((p) => allows(viewerWith('sales'), p) && !can('viewer', p));
    expect(granted.sort()).toEqual(['commissions:dispute', 'commissions:readOwn', 'sales:readOwn']);
  });

  it('a bot trainer edits agents, prompts and knowledge, and cannot create, delete or share agents', () => {
    const granted = permissions.filter((p) => allows(viewerWith('bot_trainer'), p) && !can('viewer', p));
    expect(granted.sort()).toEqual(['agents:configure', 'agents:update', 'knowledge:write', 'prompts:write']);
  });

  it('labels that grant nothing change nothing, and a grant never takes a role’s permission away', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<OrgRole>(...orgRoles),
        fc.subarray([...grantingRoles, 'closer', 'qa']),
        fc.constantFrom(...permissions),
        (role, labels, permission) => {
          const allowed = allows({ role, additionalRoles: labels }, permission);
          if (can(role, permission)) expect(allowed).toBe(true);
          const grants = labels.some((l) =>
            (additionalRoleGrants[l as GrantingRole] as readonly string[] | undefined)?.includes(permission),
          );
          expect(allowed).toBe(can(role, permission) || grants);
        },
      ),
    );
  });

  it('only admins and owners approve commissions', () => {
    expect(orgRoles.filter((r) => can(r, 'commissions:approve'))).toEqual(['owner', 'admin']);
    expect(allows(viewerWith('sales', 'bot_trainer'), 'commissions:approve')).toBe(false);
  });
});
