/** Conventions every route keeps: forgiving where clients differ, strict where text could deceive. */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('body-less POST routes', () => {
  it('accept an empty JSON object as no body and still refuse any other body', async () => {
    const owner = 'nobody-owner@example.com';
    const org = await createOrg(owner, { domain: 'nobody.example', autoJoinByDomain: true });
    const refused = await call('POST', `/orgs/${org.id}/join`, {
      as: 'joiner@nobody.example',
      body: { role: 'owner' },
    });
    expect([refused.status, fieldsOf(refused.body)]).toEqual([400, ['body']]);
    expect(
      (await call('POST', `/orgs/${org.id}/join`, { as: 'joiner@nobody.example', body: {} })).status,
    ).toBe(201);
    expect(
      (await call('POST', `/orgs/${org.id}/leave`, { as: 'joiner@nobody.example', body: [] })).status,
    ).toBe(400);
    expect(
      (await call('POST', `/orgs/${org.id}/leave`, { as: 'joiner@nobody.example', body: {} })).status,
    ).toBe(204);
    const invite = await call('POST', `/orgs/${org.id}/invites`, {
      as: owner,
      body: { email: 'r@x.example' },
    });
    const resent = await call('POST', `/orgs/${org.id}/invites/${invite.body.id}/resend`, {
      as: owner,
      body: {},
    });
    expect(resent.status).toBe(200);
  });
});

describe('text that is not what it seems', () => {
  it('refuses lone surrogates anywhere in a body with a 400 naming the field, changing nothing', async () => {
    const owner = 'surrogate@example.com';
    const org = await createOrg(owner);
    const before = await tenantSnapshot(org.id);
    const cases: [string, string, string, string][] = [
      ['PATCH', `/orgs/${org.id}`, '{"description":"ok \\ud800 then"}', 'description'],
      ['PATCH', `/orgs/${org.id}`, '{"extraDomains":["a.com","\\udc00.com"]}', 'extraDomains.1'],
      [
        'POST',
        `/orgs/${org.id}/invites`,
        '{"email":"x@example.com","additionalRoles":["\\ud83d"]}',
        'additionalRoles.0',
      ],
      ['PATCH', `/orgs/${org.id}`, '{"\\ud800":1}', '\ud800'],
    ];
    for (const [method, path, rawBody, field] of cases) {
      const res = await call(method, path, { as: owner, rawBody });
      expect([res.status, fieldsOf(res.body)], rawBody).toEqual([400, [field]]);
      expect(res.body.detail).toContain('well-formed Unicode');
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    const me = await call('PATCH', '/me', { as: owner, rawBody: '{"name":"Eve \\udfff"}' });
    expect([me.status, fieldsOf(me.body)]).toEqual([400, ['name']]);
  });

  it('refuses bidirectional overrides in names other people see', async () => {
    const owner = 'bidi@example.com';
    const org = await createOrg(owner);
    for (const name of ['Acme\u202Egnp.exe', 'Pay\u2066ments\u2069']) {
      for (const [path, field] of [
        [`/orgs/${org.id}`, 'name'],
        [`/orgs/${org.id}`, 'displayName'],
        ['/me', 'name'],
      ] as const) {
        const res = await call('PATCH', path, { as: owner, body: { [field]: name } });
        expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
      }
      const created = await call('POST', '/orgs', { as: owner, body: { name } });
      expect([created.status, fieldsOf(created.body)]).toEqual([400, ['name']]);
    }
    // Right-to-left text itself is welcome.
    expect(
      (await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { displayName: 'שלום עולם' } })).status,
    ).toBe(200);
  });
});

describe('problem details', () => {
  it('use about:blank as their type, as RFC 9457 allows, with the status as title', async () => {
    const owner = 'problem-type@example.com';
    const org = await createOrg(owner);
    await addMember(org.id, owner, 'problem-viewer@example.com', 'viewer');
    const answers = [
      await call('GET', '/me'),
      await call('PATCH', `/orgs/${org.id}`, { as: owner, body: { name: '' } }),
      await call('PATCH', `/orgs/${org.id}`, { as: 'problem-viewer@example.com', body: { name: 'x' } }),
    ];
    expect(answers.map((a) => [a.status, a.body.type, a.body.title])).toEqual([
      [401, 'about:blank', 'Unauthorized'],
      [400, 'about:blank', 'Bad Request'],
      [403, 'about:blank', 'Forbidden'],
    ]);
  });
});
