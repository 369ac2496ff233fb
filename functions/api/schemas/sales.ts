import * as z from 'zod/mini';
import { DisplayText, Email, IncomingTime, IsoDateTime, ListQuery } from './common';
import { parseCsv } from './csv';
import { OrgId } from './orgs';
import { E164 } from './phone-numbers';
import { TeamMemberId } from './team-members';

export const SaleId = z.string().check(z.regex(/^sal_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a sale id (sal_…)'));
export const SaleParams = z.strictObject({ orgId: OrgId, saleId: SaleId });

export const saleSources = ['manual', 'api', 'gohighlevel'] as const;
export const saleStatuses = ['paid', 'partially_refunded', 'refunded'] as const;

/** Minor units (cents for USD): integers only, so no sum is ever off by a float. */
const Minor = z
  .number()
  .check(z.int('must be an integer amount in minor units (cents)'), z.gte(1), z.lte(1e12));

const Currency = z.string().check(
  z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  z.refine((code) => {
    try {
      new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
      return Intl.supportedValuesOf('currency').includes(code);
    } catch {
      return false;
    }
  }, 'must be an ISO 4217 currency code'),
);

export const SaleProduct = z.strictObject({
  productId: z.optional(
    z.nullable(z.string().check(z.regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, _ . -'))),
  ),
  name: DisplayText(200),
  amount: z.number().check(z.int('must be an integer amount in minor units (cents)'), z.gte(0), z.lte(1e12)),
});

export const SaleCredit = z.strictObject({
  teamMemberId: TeamMemberId,
  /** Basis points of the sale: 10,000 is all of it. */
  splitBp: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
});

export const CreateSaleBody = z
  .strictObject({
    amount: Minor,
    currency: Currency,
    occurredAt: IncomingTime,
    source: z._default(z.enum(saleSources), 'manual'),
    /** The sale's id in its source: creating the same one twice answers the first. */
    externalId: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(128)))),
    contact: z._default(
      z.strictObject({
        name: z.optional(z.nullable(DisplayText(200))),
        email: z.optional(z.nullable(Email)),
        phone: z.optional(z.nullable(E164)),
      }),
      {},
    ),
    products: z._default(z.array(SaleProduct).check(z.maxLength(50)), []),
    credits: z.array(SaleCredit).check(
      z.minLength(1),
      z.maxLength(10),
      z.refine(
        (c) => new Set(c.map((x) => x.teamMemberId)).size === c.length,
        'must credit each team member once',
      ),
    ),
  })
  .check(
    z.superRefine((body, ctx) => {
      const split = body.credits.reduce((a, c) => a + c.splitBp, 0);
      if (split !== 10_000)
        ctx.addIssue({
          code: 'custom',
          path: ['credits'],
          message: `splits must add up to 10000 basis points (100 %), not ${split}`,
        });
      const lines = body.products.reduce((a, p) => a + p.amount, 0);
      if (body.products.length && lines !== body.amount)
        ctx.addIssue({
          code: 'custom',
          path: ['products'],
          message: `product amounts must add up to the sale's amount (${body.amount}), not ${lines}`,
        });
    }),
  );
export type CreateSaleBody = z.infer<typeof CreateSaleBody>;

/** The sales of a period, by when they occurred: [from, to). */
export const SaleListQuery = z.extend(ListQuery, {
  from: z.optional(IncomingTime),
  to: z.optional(IncomingTime),
});

export const CreateRefundBody = z.strictObject({
  amount: Minor,
  reason: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(500)))),
});

export type CreateRefundBody = z.infer<typeof CreateRefundBody>;

export const Refund = z
  .object({
    id: z.string(),
    saleId: z.string(),
    amount: z.number(),
    currency: z.string(),
    reason: z.nullable(z.string()),
    createdAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'Refund' });
export type Refund = z.infer<typeof Refund>;

export const Sale = z
  .object({
    id: z.string(),
    orgId: z.string(),
    amount: z.number(),
    currency: z.string(),
    occurredAt: IsoDateTime,
    source: z.enum(saleSources),
    externalId: z.nullable(z.string()),
    contact: z.object({
      name: z.optional(z.nullable(z.string())),
      email: z.optional(z.nullable(z.string())),
      phone: z.optional(z.nullable(z.string())),
    }),
    products: z.array(
      z.object({ productId: z.optional(z.nullable(z.string())), name: z.string(), amount: z.number() }),
    ),
    credits: z.array(z.object({ teamMemberId: z.string(), splitBp: z.number() })),
    status: z.enum(saleStatuses),
    /** The sum of its refunds (each its own record). */
    refundedAmount: z.number(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Sale' });
export type Sale = z.infer<typeof Sale>;

export const RefundResult = z
  .object({ sale: Sale, refund: Refund })
  .register(z.globalRegistry, { id: 'RefundResult' });

/** Columns of a sales CSV; credits as `tmb_…:6000|tmb_…:4000` (team member id : basis points). */
export const saleCsvColumns = [
  'occurredAt',
  'amount',
  'currency',
  'credits',
  'source',
  'externalId',
  'contactName',
  'contactEmail',
  'contactPhone',
] as const;
const requiredColumns = ['occurredAt', 'amount', 'currency', 'credits'] as const;

/** A transaction holds 100 items: the sales, their external id claims, the credited people, the currency and the audit entry. */
export const maxImportItems = 100;

function rowBody(cells: Record<string, string>) {
  const text = (name: string) => (cells[name]?.trim() ? cells[name]!.trim() : undefined);
  const amount = text('amount');
  return {
    occurredAt: text('occurredAt'),
    amount: amount !== undefined && /^-?\d+$/.test(amount) ? Number(amount) : amount,
    currency: text('currency'),
    ...(text('source') ? { source: text('source') } : {}),
    ...(text('externalId') ? { externalId: text('externalId') } : {}),
    contact: {
      ...(text('contactName') ? { name: text('contactName') } : {}),
      ...(text('contactEmail') ? { email: text('contactEmail') } : {}),
      ...(text('contactPhone') ? { phone: text('contactPhone') } : {}),
    },
    credits: (text('credits') ?? '')
      .split('|')
      .filter(Boolean)
      .map((credit) => {
        const [teamMemberId, split] = credit.split(':');
        return { teamMemberId: teamMemberId?.trim(), splitBp: Number(split) };
      }),
  };
}

/**
 * A CSV of sales (a header line naming the columns, then a sale per line), validated line by line
 * as CreateSaleBody: every problem is reported as `csv.<line>.<field>` (the header is line 1), and
 * any problem refuses the whole file.
 */
export const ImportSalesBody = z.pipe(
  z.strictObject({ csv: z.string().check(z.minLength(1), z.maxLength(60_000)) }),
  z.transform((body, ctx) => {
    const issue = (path: (string | number)[], message: string) => {
      ctx.issues.push({ code: 'custom', message, input: body.csv, path: ['csv', ...path] });
      return z.NEVER;
    };
    const parsed = parseCsv(body.csv);
    if ('error' in parsed) return issue([], parsed.error);
    const [header = [], ...lines] = parsed.rows;
    const names = header.map((h) => h.trim());
    const unknown = names.filter((n) => !(saleCsvColumns as readonly string[]).includes(n));
    if (unknown.length)
      return issue([1], `unknown columns ${unknown.join(', ')}; use ${saleCsvColumns.join(', ')}`);
    const missing = requiredColumns.filter((c) => !names.includes(c));
    if (missing.length) return issue([1], `missing columns ${missing.join(', ')}`);
    if (!lines.length) return issue([], 'has no sales after its header line');
    const sales: CreateSaleBody[] = [];
    const seenIds = new Map<string, number>();
    lines.forEach((cells, i) => {
      const line = i + 2;
      if (cells.length !== names.length) {
        issue([line], `has ${cells.length} fields; the header has ${names.length}`);
        return;
      }
      const result = CreateSaleBody.safeParse(
        rowBody(Object.fromEntries(names.map((n, j) => [n, cells[j]!]))),
      );
      if (!result.success) {
        for (const problem of result.error.issues)
          issue([line, ...problem.path.map(String)], problem.message);
        return;
      }
      const sale = result.data;
      if (sale.externalId) {
        const key = `${sale.source}#${sale.externalId}`;
        const first = seenIds.get(key);
        if (first) issue([line, 'externalId'], `repeats line ${first}'s`);
        else seenIds.set(key, line);
      }
      if (sales[0] && sale.currency !== sales[0].currency)
        issue([line, 'currency'], `must be ${sales[0].currency}, as on line 2`);
      sales.push(sale);
    });
    const people = new Set(sales.flatMap((s) => s.credits.map((c) => c.teamMemberId)));
    const items = sales.length + sales.filter((s) => s.externalId).length + people.size + 2;
    if (items > maxImportItems)
      issue(
        [],
        `needs ${items} writes in one transaction (at most ${maxImportItems}); split it into smaller files`,
      );
    return sales;
  }),
);

export const ImportResult = z
  .object({ imported: z.number().check(z.int()), sales: z.array(Sale) })
  .register(z.globalRegistry, { id: 'SalesImport' });
