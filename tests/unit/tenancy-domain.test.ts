import { describe, expect, it } from 'vitest';
import type { OrgRole } from '../../functions/api/permissions';
import type { Invite } from '../../functions/api/schemas/invites';
import type { Member } from '../../functions/api/schemas/members';
import { summarize } from '../../functions/domain/audit';
import {
  acceptRefusal,
  currentStatus,
  hashToken,
  inviteeRefusal,
  invitePreview,
  maxPendingInvites,
  newInvite,
  reissue,
  seatRefusal,
} from '../../functions/domain/invites';
import {
  changeRefusal,
  grantRefusal,
  ownerDelta,
  removalRefusal,
  transferRefusal,
} from '../../functions/domain/memberships';
import { applyEntitlements, applyOrgUpdate, canAutoJoin, newOrg } from '../../functions/domain/orgs';
import { windowOf } from '../../functions/domain/rate-limits';

const now = new Date('2026-11-22T10:00:00Z');
const member = (userId: string, role: OrgRole): Member => ({
  orgId: 'org_x',
  userId,
  email: `${userId}@example.com`,
  role,
  additionalRoles: [],
  joinedAt: now.toISOString(),
  updatedAt: now.toISOString(),
  version: 1,
});

describe('membership rules', () => {
  it.each([
    ['owner', 'owner', null],
    ['admin', 'owner', 'forbidden'],
    ['admin', 'admin', null],
    ['manager', 'admin', 'forbidden'],
    ['manager', 'manager', null],
    ['member', 'manager', 'forbidden'],
  ] as const)('a %s granting %s: %s', (actor, role, kind) => {
    expect(grantRefusal({ role: actor }, role)?.kind ?? null).toBe(kind);
  });

  it('lets only owners change or remove owners', () => {
    const owner = member('o', 'owner');
    expect(changeRefusal(member('a', 'admin'), owner, { role: 'admin' })?.kind).toBe('forbidden');
    expect(removalRefusal(member('a', 'admin'), owner)?.kind).toBe('forbidden');
    expect(changeRefusal(member('o2', 'owner'), owner, { role: 'admin' })).toBeNull();
    expect(removalRefusal(member('o2', 'owner'), owner)).toBeNull();
  });

  it('refuses an admin promoting itself to owner', () => {
    const admin = member('a', 'admin');
    expect(changeRefusal(admin, admin, { role: 'owner' })).toMatchObject({
      kind: 'forbidden',
      field: 'role',
    });
  });

  it('counts owners across role changes', () => {
    expect(ownerDelta('owner', 'admin')).toBe(-1);
    expect(ownerDelta('viewer', 'owner')).toBe(1);
    expect(ownerDelta('owner', 'owner')).toBe(0);
    expect(ownerDelta('member', 'admin')).toBe(0);
  });

  it('transfers ownership only to another non-owner member', () => {
    const owner = member('o', 'owner');
    expect(transferRefusal(owner, undefined)?.kind).toBe('refused');
    expect(transferRefusal(owner, owner)?.kind).toBe('refused');
    expect(transferRefusal(owner, member('o2', 'owner'))?.kind).toBe('conflict');
    expect(transferRefusal(owner, member('m', 'member'))).toBeNull();
  });
});

describe('org rules', () => {
  const org = newOrg(
    { name: 'Acme', domain: 'acme.com', extraDomains: ['acme.io'], autoJoinByDomain: true },
    now,
  );

  it('derives the member limit from plan and maxUsers, which may only lower it', () => {
    expect(org.limits.maxUsers).toBe(5);
    expect(applyOrgUpdate(org, { maxUsers: 3 }, now)).toMatchObject({ limits: { maxUsers: 3 }, version: 2 });
    expect(applyOrgUpdate(org, { maxUsers: 6 }, now)).toMatchObject({ kind: 'refused', field: 'maxUsers' });
    const starter = applyEntitlements({ ...org, maxUsers: 10 }, { plan: 'starter' }, now);
    expect(starter).toMatchObject({ plan: 'starter', limits: { maxUsers: 10, maxAgents: 5 } });
  });

  it('refuses auto-join without a domain and a limit below the member count', () => {
    expect(applyOrgUpdate(org, { domain: null }, now)).toMatchObject({
      kind: 'refused',
      field: 'autoJoinByDomain',
    });
    const crowded = { ...org, memberCount: 4 };
    expect(applyOrgUpdate(crowded, { maxUsers: 3 }, now)).toMatchObject({
      kind: 'refused',
      field: 'maxUsers',
    });
  });

  it('matches the domain and extra domains exactly', () => {
    expect(canAutoJoin(org, 'a@acme.com')).toBe(true);
    expect(canAutoJoin(org, 'a@acme.io')).toBe(true);
    expect(canAutoJoin(org, 'a@notacme.com')).toBe(false);
    expect(canAutoJoin(org, 'a@sub.acme.com')).toBe(false);
    expect(canAutoJoin({ ...org, autoJoinByDomain: false }, 'a@acme.com')).toBe(false);
  });
});

describe('invite rules', () => {
  it('keep pending invites within the free seats and at most 100, whatever the plan', () => {
    const big = { limits: { maxUsers: 10_000, maxAgents: 1, maxPhoneNumbers: 1 }, memberCount: 3 };
    expect(seatRefusal(big, maxPendingInvites - 1)).toBeNull();
    expect(seatRefusal(big, maxPendingInvites)).toMatchObject({ kind: 'refused', field: 'email' });
    const small = { ...big, limits: { ...big.limits, maxUsers: 5 } };
    expect(seatRefusal(small, 1)).toBeNull();
    expect(seatRefusal(small, 2)).toMatchObject({ kind: 'refused', field: 'email' });
  });

  it('count rate windows from the hour and retry when the next one opens', () => {
    const w = windowOf(
      { action: 'invites', limit: 1, windowSeconds: 3600 },
      new Date('2030-01-01T10:59:30.000Z'),
    );
    expect(w).toEqual({
      start: '2030-01-01T10:00:00.000Z',
      retryAfterSeconds: 30,
      expiresAt: Date.parse('2030-01-01T11:00:00.000Z') / 1000,
    });
  });

  const body = { email: 'x@example.com', role: 'member' as const, additionalRoles: [], expiresInDays: 7 };
  const inviter = { id: 'usr_a', email: 'a@example.com' };

  it('issues a 32-byte token and keeps only its hash', () => {
    const { token, tokenHash, invite } = newInvite('org_x', body, inviter, now);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(invite)).not.toContain(token);
    expect(invite.expiresAt).toBe('2026-11-29T10:00:00.000Z');
  });

  it('expires by the clock and resends with a fresh expiry of the same length and a new token', () => {
    const issued = newInvite('org_x', body, inviter, now);
    const later = new Date('2026-12-01T00:00:00Z');
    expect(currentStatus(issued.invite, now)).toBe('pending');
    expect(currentStatus(issued.invite, later)).toBe('expired');
    const again = reissue(issued.invite, later);
    expect(again.invite.expiresAt).toBe('2026-12-08T00:00:00.000Z');
    expect(again.tokenHash).not.toBe(issued.tokenHash);
  });

  it('refuses an unverified email even when it matches', () => {
    const { invite } = newInvite('org_x', body, inviter, now);
    expect(acceptRefusal(invite, { email: 'x@example.com', emailVerified: false }, true, now)).toMatchObject({
      kind: 'forbidden',
      message: expect.stringMatching(/Verify/),
    });
  });

  it.each([
    ['another email', { email: 'y@example.com' }, 'forbidden'],
    ['accepted', { status: 'accepted' }, 'gone'],
    ['revoked', { status: 'revoked' }, 'gone'],
    ['declined', { status: 'declined' }, 'gone'],
    ['expired', { expiresAt: '2026-11-22T09:59:59.000Z' }, 'gone'],
  ] as const)('refuses accepting an invite that is %s', (_name, change, kind) => {
    const { invite } = newInvite('org_x', body, inviter, now);
    const changed = { ...invite, ...change } as Invite;
    expect(acceptRefusal(changed, { email: 'x@example.com', emailVerified: true }, true, now)?.kind).toBe(
      kind,
    );
  });
});

describe('invite previews', () => {
  const body = {
    email: 'x@example.com',
    role: 'admin' as const,
    additionalRoles: ['sales'],
    expiresInDays: 7,
  };
  const { invite } = newInvite('org_x', body, { id: 'usr_a', email: 'a@example.com' }, now);
  const invitee = { email: 'x@example.com', emailVerified: true };

  it('name the org, role, inviter and expiry, and the status after the clock', () => {
    expect(invitePreview(invite, 'Acme', now)).toEqual({
      orgId: 'org_x',
      orgName: 'Acme',
      role: 'admin',
      additionalRoles: ['sales'],
      inviterEmail: 'a@example.com',
      expiresAt: '2026-11-29T10:00:00.000Z',
      status: 'pending',
    });
    expect(invitePreview(invite, 'Acme', new Date('2026-12-01T00:00:00Z')).status).toBe('expired');
  });

  it('are for the verified invitee holding the current link, whatever the status', () => {
    expect(inviteeRefusal({ ...invite, status: 'accepted' }, invitee, true)).toBeNull();
    expect(inviteeRefusal(invite, { ...invitee, email: 'y@example.com' }, true)?.kind).toBe('forbidden');
    expect(inviteeRefusal(invite, { ...invitee, emailVerified: false }, true)?.kind).toBe('forbidden');
    expect(inviteeRefusal(invite, invitee, false)?.kind).toBe('gone');
  });
});

describe('audit summaries', () => {
  it('keeps only changed fields and never a token, hash or secret', () => {
    const summary = summarize(
      { name: 'a', role: 'member', tokenHash: 'h1', version: 1 },
      { name: 'b', role: 'member', tokenHash: 'h2', apiSecret: 's', version: 2 },
    );
    expect(summary).toEqual({ before: { name: 'a' }, after: { name: 'b' } });
  });
});
