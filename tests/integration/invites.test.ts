import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../functions/adapters/mail';
import { keys } from '../../functions/data/keys';
import { hashToken } from '../../functions/domain/invites';
import { call } from '../support/api';
import { identity, tableName, testDb } from '../support/env';
import { addMember, createOrg, partition, tenantSnapshot, tokenOf } from '../support/tenancy';

// This file is about invite rules, not rate limits (tests/integration/invite-limits.test.ts).
process.env.INVITES_PER_USER_PER_HOUR = '1000';
process.env.INVITES_PER_ORG_PER_HOUR = '1000';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

async function invite(orgId: string, as: string, body: Record<string, unknown>) {
  const res = await call('POST', `/orgs/${orgId}/invites`, { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; acceptUrl: string; [k: string]: unknown };
}

const accept = (as: string, token: string) => call('POST', '/invites/accept', { as, body: { token } });

/** Moves an invite's expiry (and its email claim's, which always shares it) into the past. */
async function expireInvite(orgId: string, inviteId: string, email: string) {
  for (const Key of [keys.invite(orgId, inviteId), keys.pendingInviteClaim(orgId, email)]) {
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key,
        UpdateExpression: 'SET expiry = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
  }
}

describe('POST /orgs/{orgId}/invites', () => {
  it('returns the accept URL once, mails it, and stores only the token’s hash', async () => {
    const owner = 'owner@inv.test';
    const org = await createOrg(owner, { name: 'Invite Co' });
    const res = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: {
        email: 'New.Person@Example.com',
        role: 'manager',
        additionalRoles: ['sales'],
        expiresInDays: 3,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'new.person@example.com',
      role: 'manager',
      status: 'pending',
      version: 1,
    });
    expect(res.body.id).toMatch(/^inv_/);
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
    const token = tokenOf(res.body);
    expect(token).toHaveLength(43);

    const stored = JSON.stringify([
      ...(await partition(keys.org(org.id).pk)),
      ...(await partition(keys.inviteToken(hashToken(token)).pk)),
      ...(await partition(keys.auditPk(org.id))),
    ]);
    expect(stored).not.toContain(token);
    expect(stored).toContain(hashToken(token));
    expect(JSON.stringify((await call('GET', `/orgs/${org.id}/audit`, { as: owner })).body)).not.toContain(
      hashToken(token),
    );

    const listed = await call('GET', `/orgs/${org.id}/invites`, { as: owner });
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.items[0].acceptUrl).toBeUndefined();

    const mail = outbox.find((m) => m.to === 'new.person@example.com');
    expect(mail?.subject).toContain('Invite Co');
    expect(mail?.text).toContain(res.body.acceptUrl);
  });

  const badInvites: [string, unknown, number, string][] = [
    ['an invalid email', { email: 'not-an-email' }, 400, 'email'],
    ['a lookalike email (Kelvin sign K)', { email: '\u212Ate@strict.test' }, 400, 'email'],
    ['an over-long email', { email: `${'a'.repeat(250)}@x.io` }, 400, 'email'],
    ['an unknown role', { email: 'r@example.com', role: 'boss' }, 400, 'role'],
    ['expiry over 30 days', { email: 'r@example.com', expiresInDays: 31 }, 400, 'expiresInDays'],
    ['expiry under a day', { email: 'r@example.com', expiresInDays: 0 }, 400, 'expiresInDays'],
    ['a role above the inviter’s', { email: 'r@strict.test', role: 'admin' }, 403, 'role'],
    ['an email outside the org’s domains', { email: 'r@other.com' }, 422, 'email'],
    ['a pending email', { email: 'pending@strict.test' }, 409, 'email'],
    ['an existing member', { email: 'member@strict.test' }, 409, 'email'],
  ];
  it.each(badInvites)(
    'refuses %s, names the field and changes nothing',
    async (name, body, status, field) => {
      // An owner per case: one person may create only a few orgs (MAX_ORGS_CREATED_PER_USER).
      const owner = `owner-${name.replace(/[^a-z]+/gi, '-').replace(/^-|-$/g, '')}@strict.test`;
      const org = await createOrg(owner, {
        domain: 'strict.test',
        membersMustHaveMatchingDomain: true,
        plan: 'starter',
      });
      await addMember(org.id, owner, 'manager@strict.test', 'manager');
      await addMember(org.id, owner, 'member@strict.test');
      await invite(org.id, owner, { email: 'pending@strict.test' });
      const before = await tenantSnapshot(org.id);
      const res = await call('POST', `/orgs/${org.id}/invites`, { as: 'manager@strict.test', body });
      expect(res.status).toBe(status);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await tenantSnapshot(org.id)).toEqual(before);
    },
  );

  it('allows a new invite to an email whose previous invite expired or was revoked', async () => {
    const owner = 'owner@reinvite.test';
    const org = await createOrg(owner);
    const first = await invite(org.id, owner, { email: 'again@example.com' });
    await expireInvite(org.id, first.id, 'again@example.com');
    const second = await invite(org.id, owner, { email: 'again@example.com' });
    expect((await call('DELETE', `/orgs/${org.id}/invites/${second.id}`, { as: owner })).status).toBe(204);
    await invite(org.id, owner, { email: 'again@example.com' });
    const statuses = (await call('GET', `/orgs/${org.id}/invites`, { as: owner })).body.items.map(
      (i: any) => i.status,
    );
    expect(statuses.sort()).toEqual(['expired', 'pending', 'revoked']);
  });
});

describe('seats', () => {
  it('refuses an invite once members and pending invites fill the plan, until one is revoked', async () => {
    const owner = 'seats-owner@example.com';
    const org = await createOrg(owner);
    const sent = [];
    for (const n of [1, 2, 3, 4]) {
      sent.push((await invite(org.id, owner, { email: `seat${n}@example.com` })).id);
    }
    const before = await tenantSnapshot(org.id);
    const full = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'seat5@example.com' },
    });
    expect([full.status, fieldsOf(full.body)]).toEqual([422, ['email']]);
    expect(full.body.detail).toMatch(/All 5 seats are taken or promised \(1 members, 4 pending invites\)/);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(outbox.some((m) => m.to === 'seat5@example.com')).toBe(false);

    expect((await call('DELETE', `/orgs/${org.id}/invites/${sent[0]}`, { as: owner })).status).toBe(204);
    await invite(org.id, owner, { email: 'seat5@example.com' });
  });
});

describe('POST /invites/accept', () => {
  it('adds the member with the invited roles, once', async () => {
    const owner = 'owner@accept.test';
    const org = await createOrg(owner);
    const sent = await invite(org.id, owner, {
      email: 'joiner@example.com',
      role: 'viewer',
      additionalRoles: ['bot_trainer'],
    });
    const mine = await call('GET', '/me/invites', { as: 'joiner@example.com' });
    expect(mine.body.items).toMatchObject([{ id: sent.id, orgName: org.name, status: 'pending' }]);

    const res = await accept('joiner@example.com', tokenOf(sent));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orgId: org.id, role: 'viewer', additionalRoles: ['bot_trainer'] });
    expect((await call('GET', '/me/invites', { as: 'joiner@example.com' })).body.items).toEqual([]);
    const again = await accept('joiner@example.com', tokenOf(sent));
    expect(again.status).toBe(410);
    expect(again.body.detail).toMatch(/already been accepted/);
    expect((await call('GET', `/orgs/${org.id}`, { as: owner })).body.memberCount).toBe(2);
    const audit = await call('GET', `/orgs/${org.id}/audit?limit=1`, { as: owner });
    expect(audit.body.items[0]).toMatchObject({
      action: 'invite.accepted',
      before: { status: 'pending' },
      after: { status: 'accepted' },
    });
  });

  it('answers 403 to another email and keeps the invite usable', async () => {
    const org = await createOrg('owner@wrong.test');
    const sent = await invite(org.id, 'owner@wrong.test', { email: 'right@example.com' });
    const res = await accept('wrong@example.com', tokenOf(sent));
    expect(res.status).toBe(403);
    expect(fieldsOf(res.body)).toEqual(['token']);
    expect((await accept('right@example.com', tokenOf(sent))).status).toBe(200);
  });

  it.each([
    ['expired', (orgId: string, id: string) => expireInvite(orgId, id, 'late@example.com'), /expired/],
    [
      'revoked',
      (orgId: string, id: string) =>
        call('DELETE', `/orgs/${orgId}/invites/${id}`, { as: 'owner@gone.test' }),
      /revoked/,
    ],
  ] as const)('answers 410 for an %s invite and adds nobody', async (_name, spoil, message) => {
    const org = await createOrg('owner@gone.test');
    const sent = await invite(org.id, 'owner@gone.test', { email: 'late@example.com' });
    await spoil(org.id, sent.id);
    const res = await accept('late@example.com', tokenOf(sent));
    expect(res.status).toBe(410);
    expect(res.body.detail).toMatch(message);
    expect((await call('GET', '/me/orgs', { as: 'late@example.com' })).body.items).toEqual([]);
  });

  it('refuses a malformed token with 400 and an unknown one with 410', async () => {
    expect((await accept('x@example.com', 'short')).status).toBe(400);
    expect((await accept('x@example.com', 'A'.repeat(43))).status).toBe(410);
  });

  it('lets exactly one of accept and revoke win', async () => {
    for (let round = 0; round < 3; round++) {
      const owner = `owner${round}@race.test`;
      const org = await createOrg(owner);
      const sent = await invite(org.id, owner, { email: 'racer@example.com' });
      const [accepted, revoked] = await Promise.all([
        accept('racer@example.com', tokenOf(sent)),
        call('DELETE', `/orgs/${org.id}/invites/${sent.id}`, { as: owner }),
      ]);
      const members = (await partition(keys.org(org.id).pk)).filter((i) => i.type === 'MEMBERSHIP');
      const status = (await call('GET', `/orgs/${org.id}/invites`, { as: owner })).body.items[0].status;
      if (accepted.status === 200) {
        expect(revoked.status).toBe(410);
        expect([members.length, status]).toEqual([2, 'accepted']);
      } else {
        expect([accepted.status, revoked.status]).toEqual([410, 204]);
        expect([members.length, status]).toEqual([1, 'revoked']);
      }
    }
  });

  it('lets exactly one of two concurrent accepts win', async () => {
    const org = await createOrg('owner@double.test');
    const sent = await invite(org.id, 'owner@double.test', { email: 'twice@example.com' });
    const results = await Promise.all([1, 2].map(() => accept('twice@example.com', tokenOf(sent))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    expect((await call('GET', `/orgs/${org.id}`, { as: 'owner@double.test' })).body.memberCount).toBe(2);
  });

  it('lets 20 concurrent accepts against a limit of 5 leave exactly 5 members', async () => {
    const owner = 'owner@limit.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push(await invite(org.id, owner, { email: `guest${i}@example.com` }));
    // Lowering the limit afterwards leaves more invites pending than seats: the accepts race for them.
    expect((await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { maxUsers: 5 } })).status).toBe(200);
    const results = await Promise.all(sent.map((s, i) => accept(`guest${i}@example.com`, tokenOf(s))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 422)).toHaveLength(16);
    expect((await partition(keys.org(org.id).pk)).filter((i) => i.type === 'MEMBERSHIP')).toHaveLength(5);
    const pending = (await call('GET', `/orgs/${org.id}/invites?limit=100`, { as: owner })).body.items.filter(
      (i: any) => i.status === 'pending',
    );
    expect(pending).toHaveLength(16);
  });
});

describe('answering from the invitee’s own list (no link)', () => {
  it('accepts or declines an invite listed in GET /me/invites; someone else’s is a 404 and changes nothing', async () => {
    const owner = 'owner@mylist.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const forAda = await invite(org.id, owner, { email: 'ada@mylist.test', role: 'manager' });
    const forBo = await invite(org.id, owner, { email: 'bo@mylist.test' });
    const listed = await call('GET', '/me/invites', { as: 'ada@mylist.test' });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([forAda.id]);

    const before = await tenantSnapshot(org.id);
    const notHers = await call('POST', `/me/invites/${org.id}/${forBo.id}/accept`, { as: 'ada@mylist.test' });
    expect(notHers.status).toBe(404);
    const unverified = await call('POST', `/me/invites/${org.id}/${forAda.id}/accept`, {
      token: identity.mint('ada@mylist.test', undefined, { email_verified: false }),
    });
    expect(unverified.status).toBe(403);
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const accepted = await call('POST', `/me/invites/${org.id}/${forAda.id}/accept`, {
      as: 'ada@mylist.test',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ orgId: org.id, role: 'manager' });
    expect(
      (await call('POST', `/me/invites/${org.id}/${forAda.id}/accept`, { as: 'ada@mylist.test' })).status,
    ).toBe(410);
    // The mailed link of an invite answered from the list is dead too.
    expect((await accept('ada@mylist.test', tokenOf(forAda))).status).toBe(410);

    expect(
      (await call('POST', `/me/invites/${org.id}/${forBo.id}/decline`, { as: 'bo@mylist.test' })).status,
    ).toBe(204);
    expect((await call('GET', '/me/invites', { as: 'bo@mylist.test' })).body.items).toEqual([]);
    const audit = await call('GET', `/orgs/${org.id}/audit`, { as: owner });
    expect(audit.body.items.slice(0, 2).map((e: { action: string }) => e.action)).toEqual([
      'invite.declined',
      'invite.accepted',
    ]);
  });
});

describe('revoke and resend', () => {
  it('resend issues a new link and expiry; the old link dies', async () => {
    const owner = 'owner@resend.test';
    const org = await createOrg(owner);
    const sent = await invite(org.id, owner, { email: 'slow@example.com', expiresInDays: 2 });
    await expireInvite(org.id, sent.id, 'slow@example.com');
    const res = await call('POST', `/orgs/${org.id}/invites/${sent.id}/resend`, { as: owner });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', version: 2 });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now() + 86_400_000);
    expect(tokenOf(res.body)).not.toBe(tokenOf(sent));
    expect(outbox.filter((m) => m.to === 'slow@example.com')).toHaveLength(2);
    expect((await accept('slow@example.com', tokenOf(sent))).status).toBe(410);
    expect((await accept('slow@example.com', tokenOf(res.body))).status).toBe(200);
    expect((await call('POST', `/orgs/${org.id}/invites/${sent.id}/resend`, { as: owner })).status).toBe(410);
  });

  it('refuses revoking twice, a member revoking, and unknown invites', async () => {
    const owner = 'owner@revoke.test';
    const org = await createOrg(owner);
    await addMember(org.id, owner, 'plain@example.com');
    const sent = await invite(org.id, owner, { email: 'gone@example.com' });
    const path = `/orgs/${org.id}/invites/${sent.id}`;
    expect((await call('DELETE', path, { as: 'plain@example.com' })).status).toBe(403);
    expect((await call('DELETE', path, { as: owner })).status).toBe(204);
    expect((await call('DELETE', path, { as: owner })).status).toBe(410);
    expect(
      (await call('DELETE', `/orgs/${org.id}/invites/inv_01ARZ3NDEKTSV4RRFFQ69G5FAV`, { as: owner })).status,
    ).toBe(404);
    expect((await call('DELETE', `/orgs/${org.id}/invites/nonsense`, { as: owner })).status).toBe(400);
  });
});

describe('POST /invites/preview and /invites/decline', () => {
  const preview = (as: string, token: string) => call('POST', '/invites/preview', { as, body: { token } });
  const decline = (as: string, token: string) => call('POST', '/invites/decline', { as, body: { token } });

  it('preview names the org, role, inviter and expiry for the invitee, and changes nothing', async () => {
    const owner = 'owner@preview.test';
    const org = await createOrg(owner, { name: 'Preview Co', displayName: 'Preview Company' });
    const sent = await invite(org.id, owner, {
      email: 'guest@preview.test',
      role: 'manager',
      additionalRoles: ['sales'],
    });
    expect(sent.inviterEmail).toBe(owner);
    const before = await tenantSnapshot(org.id);
    const res = await preview('guest@preview.test', tokenOf(sent));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      orgId: org.id,
      orgName: 'Preview Company',
      role: 'manager',
      additionalRoles: ['sales'],
      inviterEmail: owner,
      expiresAt: sent.expiresAt,
      status: 'pending',
    });
    expect(await tenantSnapshot(org.id)).toEqual(before);
    const listed = await call('GET', `/orgs/${org.id}/invites`, { as: owner });
    expect(listed.body.items).toMatchObject([{ id: sent.id, inviterEmail: owner }]);

    expect((await accept('guest@preview.test', tokenOf(sent))).status).toBe(200);
    expect((await preview('guest@preview.test', tokenOf(sent))).body.status).toBe('accepted');
  });

  it('preview gives others the refusals accept gives', async () => {
    const owner = 'owner@preview-others.test';
    const org = await createOrg(owner);
    const sent = await invite(org.id, owner, { email: 'guest@preview-others.test' });
    const other = await preview('other@preview-others.test', tokenOf(sent));
    expect([other.status, fieldsOf(other.body)]).toEqual([403, ['token']]);
    const unverified = await call('POST', '/invites/preview', {
      token: identity.mint('guest@preview-others.test', undefined, { email_verified: false }),
      body: { token: tokenOf(sent) },
    });
    expect(unverified.status).toBe(403);
    expect((await preview('guest@preview-others.test', 'A'.repeat(43))).status).toBe(410);
    const resent = await call('POST', `/orgs/${org.id}/invites/${sent.id}/resend`, { as: owner });
    const replaced = await preview('guest@preview-others.test', tokenOf(sent));
    expect([replaced.status, replaced.body.detail]).toEqual([410, expect.stringMatching(/replaced/)]);
    expect((await preview('guest@preview-others.test', tokenOf(resent.body))).status).toBe(200);
  });

  it('shows null as the inviter of an invite stored before the inviter’s email was kept', async () => {
    const owner = 'owner@preview-old.test';
    const org = await createOrg(owner);
    const sent = await invite(org.id, owner, { email: 'guest@preview-old.test' });
    await testDb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.invite(org.id, sent.id),
        UpdateExpression: 'REMOVE inviterEmail',
      }),
    );
    expect((await preview('guest@preview-old.test', tokenOf(sent))).body.inviterEmail).toBeNull();
    const listed = await call('GET', `/orgs/${org.id}/invites`, { as: owner });
    expect(listed.body.items[0].inviterEmail).toBeNull();
  });

  it('decline marks the invite declined, audits it and frees the email for a new invite', async () => {
    const owner = 'owner@decline.test';
    const org = await createOrg(owner);
    const sent = await invite(org.id, owner, { email: 'no@decline.test', role: 'admin' });
    const res = await decline('no@decline.test', tokenOf(sent));
    expect(res.status, JSON.stringify(res.body)).toBe(204);

    const listed = await call('GET', `/orgs/${org.id}/invites`, { as: owner });
    expect(listed.body.items).toMatchObject([{ id: sent.id, status: 'declined', version: 2 }]);
    expect((await call('GET', '/me/invites', { as: 'no@decline.test' })).body.items).toEqual([]);
    const audit = await call('GET', `/orgs/${org.id}/audit?limit=1`, { as: owner });
    expect(audit.body.items[0]).toMatchObject({
      action: 'invite.declined',
      actor: { email: 'no@decline.test' },
      target: { type: 'invite', id: sent.id },
      before: { status: 'pending' },
      after: { status: 'declined' },
    });
    expect((await preview('no@decline.test', tokenOf(sent))).body.status).toBe('declined');

    const accepted = await accept('no@decline.test', tokenOf(sent));
    expect([accepted.status, accepted.body.detail]).toEqual([410, expect.stringMatching(/declined/)]);
    expect((await decline('no@decline.test', tokenOf(sent))).status).toBe(410);
    expect((await call('GET', `/orgs/${org.id}`, { as: owner })).body.memberCount).toBe(1);
    await invite(org.id, owner, { email: 'no@decline.test' });
  });

  it.each([
    ['a malformed token', 'no@decline-bad.test', { token: 'short' }, 400, ['token']],
    ['an unknown field', 'no@decline-bad.test', { token: 'VALID', why: 'busy' }, 400, ['why']],
    ['another email', 'other@decline-bad.test', { token: 'VALID' }, 403, ['token']],
    ['an unknown token', 'no@decline-bad.test', { token: 'A'.repeat(43) }, 410, []],
  ])(
    'refuses declining or previewing with %s and changes nothing',
    async (_name, as, body, status, fields) => {
      const owner = 'owner@decline-bad.test';
      const org = await createOrg(owner);
      const sent = await invite(org.id, owner, { email: 'no@decline-bad.test' });
      const before = await tenantSnapshot(org.id);
      const token = body.token === 'VALID' ? tokenOf(sent) : body.token;
      for (const path of ['/invites/decline', '/invites/preview']) {
        const res = await call('POST', path, { as, body: { ...body, token } });
        expect([res.status, fieldsOf(res.body)], path).toEqual([status, fields]);
      }
      expect(await tenantSnapshot(org.id)).toEqual(before);
    },
  );

  it('lets exactly one of decline and accept, or decline and revoke, win', async () => {
    for (let round = 0; round < 3; round++) {
      const owner = `owner${round}@decline-race.test`;
      const org = await createOrg(owner);
      const first = await invite(org.id, owner, { email: 'racer@decline-race.test' });
      const [declined, accepted] = await Promise.all([
        decline('racer@decline-race.test', tokenOf(first)),
        accept('racer@decline-race.test', tokenOf(first)),
      ]);
      const members = (await partition(keys.org(org.id).pk)).filter((i) => i.type === 'MEMBERSHIP');
      const status = async () => (await call('GET', `/orgs/${org.id}/invites`, { as: owner })).body.items;
      if (declined.status === 204) {
        expect([accepted.status, members.length]).toEqual([410, 1]);
        expect((await status())[0].status).toBe('declined');
      } else {
        expect([declined.status, accepted.status, members.length]).toEqual([410, 200, 2]);
        expect((await status())[0].status).toBe('accepted');
      }

      const second = await invite(org.id, owner, { email: `other@decline-race.test` });
      const [refused, revoked] = await Promise.all([
        decline('other@decline-race.test', tokenOf(second)),
        call('DELETE', `/orgs/${org.id}/invites/${second.id}`, { as: owner }),
      ]);
      const secondStatus = (await status()).find((i: { id: string }) => i.id === second.id).status;
      if (refused.status === 204) expect([revoked.status, secondStatus]).toEqual([410, 'declined']);
      else expect([refused.status, revoked.status, secondStatus]).toEqual([410, 204, 'revoked']);
    }
  });
});
