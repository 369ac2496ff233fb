import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/data/keys';
import { call } from '../support/api';
import { addMember, createOrg, partition, tenantSnapshot } from '../support/tenancy';

const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
const salesPath = (orgId: string) => `/orgs/${orgId}/sales`;
const auditActions = async (orgId: string) =>
  (await partition(keys.auditPk(orgId))).map((e) => e.action as string);

async function shop(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const manager = `manager@${tag}.test`;
  const member = `member@${tag}.test`;
  await addMember(org.id, owner, manager, 'manager');
  await addMember(org.id, owner, member, 'member');
  const rep = async (fullName: string) =>
    (
      await call('POST', `/orgs/${org.id}/team-members`, {
        as: manager,
        body: { fullName, memberType: 'sales' },
      })
    ).body.id as string;
  return { org, manager, member, a: await rep('Ada'), b: await rep('Bo') };
}

const saleBody = (a: string, b: string, extra: Record<string, unknown> = {}) => ({
  amount: 125_000,
  currency: 'USD',
  occurredAt: '2026-11-03T10:00:00Z',
  contact: { name: 'Acme Corp', email: 'buyer@acme.example' },
  products: [
    { productId: 'gold', name: 'Gold plan', amount: 100_000 },
    { name: 'Setup', amount: 25_000 },
  ],
  credits: [
    { teamMemberId: a, splitBp: 6_000 },
    { teamMemberId: b, splitBp: 4_000 },
  ],
  ...extra,
});

describe('sales', () => {
  it('records a sale credited by split, refunds it in parts as their own records, and audits each change', async () => {
    const { org, manager, member, a, b } = await shop('sales-crud');
    const created = await call('POST', salesPath(org.id), { as: manager, body: saleBody(a, b) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      amount: 125_000,
      currency: 'USD',
      occurredAt: '2026-11-03T10:00:00.000Z',
      source: 'manual',
      status: 'paid',
      refundedAmount: 0,
    });
    const id = created.body.id as string;
    // Sales are managers' business: a member neither reads nor writes them.
    expect((await call('GET', `${salesPath(org.id)}/${id}`, { as: member })).status).toBe(403);
    expect((await call('POST', salesPath(org.id), { as: member, body: saleBody(a, b) })).status).toBe(403);

    const first = await call('POST', `${salesPath(org.id)}/${id}/refunds`, {
      as: manager,
      body: { amount: 25_000, reason: 'Setup waived' },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.sale).toMatchObject({
      status: 'partially_refunded',
      refundedAmount: 25_000,
      version: 2,
    });
    expect(first.body.refund).toMatchObject({
      saleId: id,
      amount: 25_000,
      currency: 'USD',
      reason: 'Setup waived',
    });

    const before = await tenantSnapshot(org.id);
    const tooMuch = await call('POST', `${salesPath(org.id)}/${id}/refunds`, {
      as: manager,
      body: { amount: 100_001 },
    });
    expect([tooMuch.status, fieldsOf(tooMuch.body)]).toEqual([422, ['amount']]);
    expect(tooMuch.body.detail).toContain('1,000.00');
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const rest = await call('POST', `${salesPath(org.id)}/${id}/refunds`, {
      as: manager,
      body: { amount: 100_000 },
    });
    expect(rest.body.sale).toMatchObject({ status: 'refunded', refundedAmount: 125_000 });
    const refunds = (await partition(keys.org(org.id).pk)).filter((i) => i.type === 'SALE_REFUND');
    expect(refunds.map((r) => r.amount).sort()).toEqual([100_000, 25_000]);
    expect(await auditActions(org.id)).toEqual(expect.arrayContaining(['sale.created', 'sale.refunded']));
  });

  it('answers the first sale when a source’s external id comes again, writing nothing new', async () => {
    const { org, manager, a, b } = await shop('sales-idem');
    const body = saleBody(a, b, { source: 'gohighlevel', externalId: 'opp-42' });
    const first = await call('POST', salesPath(org.id), { as: manager, body });
    expect(first.status).toBe(201);
    const before = await tenantSnapshot(org.id);
    const again = await call('POST', salesPath(org.id), {
      as: manager,
      body: { ...body, amount: 1, products: [] },
    });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    // The same id from another source is another sale.
    const other = await call('POST', salesPath(org.id), { as: manager, body: { ...body, source: 'api' } });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('keeps one currency per org: the first sale fixes it, another is a 422 naming currency', async () => {
    const { org, manager, a, b } = await shop('sales-currency');
    expect((await call('POST', salesPath(org.id), { as: manager, body: saleBody(a, b) })).status).toBe(201);
    const before = await tenantSnapshot(org.id);
    const euros = await call('POST', salesPath(org.id), {
      as: manager,
      body: saleBody(a, b, { currency: 'EUR' }),
    });
    expect([euros.status, fieldsOf(euros.body)]).toEqual([422, ['currency']]);
    expect(euros.body.detail).toContain('USD');
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it.each<[string, (a: string, b: string) => Record<string, unknown>, number, string]>([
    ['a fractional amount', (a, b) => saleBody(a, b, { amount: 1250.5, products: [] }), 400, 'amount'],
    ['an unknown currency', (a, b) => saleBody(a, b, { currency: 'ABC' }), 400, 'currency'],
    [
      'splits not adding up to 100 %',
      (a, b) =>
        saleBody(a, b, {
          credits: [
            { teamMemberId: a, splitBp: 6_000 },
            { teamMemberId: b, splitBp: 3_000 },
          ],
        }),
      400,
      'credits',
    ],
    ['products not adding up to the amount', (a, b) => saleBody(a, b, { amount: 130_000 }), 400, 'products'],
    ['a bad source', (a, b) => saleBody(a, b, { source: 'fax' }), 400, 'source'],
    ['a bad contact email', (a, b) => saleBody(a, b, { contact: { email: 'nope' } }), 400, 'contact.email'],
    ['no time', (a, b) => saleBody(a, b, { occurredAt: 'yesterday' }), 400, 'occurredAt'],
    [
      'an unknown team member',
      (a) => saleBody(a, 'tmb_01JZZZZZZZZZZZZZZZZZZZZZZZ'),
      404,
      'credits.1.teamMemberId',
    ],
  ])('refuses %s naming the field, changing nothing', async (_, body, status, field) => {
    const { org, manager, a, b } = await shop(`sales-bad-${field.replace(/\W/g, '')}-${status}`);
    const before = await tenantSnapshot(org.id);
    const res = await call('POST', salesPath(org.id), { as: manager, body: body(a, b) });
    expect([res.status, fieldsOf(res.body)]).toEqual([status, [field]]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('lists a period [from, to) by when sales occurred, newest first, a page at a time', async () => {
    const { org, manager, a, b } = await shop('sales-period');
    const times = [
      '2026-10-31T23:59:59.999Z',
      '2026-11-01T00:00:00.000Z',
      '2026-11-15T12:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ];
    const ids: string[] = [];
    for (const occurredAt of times) {
      ids.push(
        (await call('POST', salesPath(org.id), { as: manager, body: saleBody(a, b, { occurredAt }) })).body
          .id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const q = `?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call('GET', `${salesPath(org.id)}${q}`, { as: manager });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...res.body.items.map((s: { id: string }) => s.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids[2], ids[1]]);
    const all = await call('GET', salesPath(org.id), { as: manager });
    expect(all.body.items.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
  });
});

describe('sales CSV import', () => {
  const header = 'occurredAt,amount,currency,credits,source,externalId,contactName,contactEmail';

  it('imports every line of a valid file in one go (quoted fields included) and audits the import', async () => {
    const { org, manager, a, b } = await shop('sales-csv-ok');
    const csv = [
      header,
      `2026-11-02T09:00:00Z,50000,USD,${a}:10000,gohighlevel,opp-1,"Acme, Inc.",buyer@acme.example`,
      `2026-11-03T09:00:00Z,1999,USD,${a}:5000|${b}:5000,manual,,"Bo ""The Closer"" Ltd",`,
    ].join('\r\n');
    const res = await call('POST', `${salesPath(org.id)}/import`, { as: manager, body: { csv } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.imported).toBe(2);
    expect(res.body.sales.map((s: { contact: { name: string } }) => s.contact.name)).toEqual([
      'Acme, Inc.',
      'Bo "The Closer" Ltd',
    ]);
    const listed = await call('GET', salesPath(org.id), { as: manager });
    expect(listed.body.items.map((s: { amount: number }) => s.amount)).toEqual([1999, 50000]);
    expect(await auditActions(org.id)).toContain('sale.imported');
  });

  it('refuses a file with bad lines, listing each line and field, and imports nothing', async () => {
    const { org, manager, a, b } = await shop('sales-csv-bad');
    const csv = [
      header,
      `2026-11-02T09:00:00Z,50000,USD,${a}:10000,manual,,,`,
      `2026-11-02T09:00:00Z,12.50,USD,${a}:10000,manual,,,`,
      `2026-11-02T09:00:00Z,500,USD,${a}:6000|${b}:3000,manual,,,`,
      `2026-11-02T09:00:00Z,500,EUR,${a}:10000,manual,,,`,
      `2026-11-02T09:00:00Z,500,USD,${a}:10000,manual,,,not-an-email`,
    ].join('\n');
    const before = await tenantSnapshot(org.id);
    const res = await call('POST', `${salesPath(org.id)}/import`, { as: manager, body: { csv } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(
      ['csv.3.amount', 'csv.4.credits', 'csv.5.currency', 'csv.6.contact.email'].sort(),
    );
    expect(await tenantSnapshot(org.id)).toEqual(before);

    const columns = await call('POST', `${salesPath(org.id)}/import`, {
      as: manager,
      body: { csv: 'amount,price\n1,2' },
    });
    expect([columns.status, fieldsOf(columns.body)]).toEqual([400, ['csv.1']]);
  });

  it('imports nothing when one line names a recorded external id (409) or an unknown person (404), naming the line', async () => {
    const { org, manager, a } = await shop('sales-csv-conflict');
    await call('POST', salesPath(org.id), {
      as: manager,
      body: saleBody(a, a, {
        credits: [{ teamMemberId: a, splitBp: 10_000 }],
        source: 'api',
        externalId: 'x-1',
      }),
    });
    const before = await tenantSnapshot(org.id);
    const dup = await call('POST', `${salesPath(org.id)}/import`, {
      as: manager,
      body: {
        csv: `${header}\n2026-11-02T09:00:00Z,100,USD,${a}:10000,api,x-2,,\n2026-11-02T09:00:00Z,100,USD,${a}:10000,api,x-1,,`,
      },
    });
    expect([dup.status, fieldsOf(dup.body)]).toEqual([409, ['csv.3.externalId']]);
    const ghost = await call('POST', `${salesPath(org.id)}/import`, {
      as: manager,
      body: { csv: `${header}\n2026-11-02T09:00:00Z,100,USD,tmb_01JZZZZZZZZZZZZZZZZZZZZZZZ:10000,api,x-3,,` },
    });
    expect([ghost.status, fieldsOf(ghost.body)]).toEqual([404, ['csv.2.credits.0.teamMemberId']]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });
});
