import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  can,
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
