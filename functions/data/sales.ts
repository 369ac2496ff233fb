/**
 * Sales: one item per sale in the org partition (SALE#<ULID>), on gsi2 by when it occurred (a
 * period is one BETWEEN), refunds as their own items beside it. Creating one is one transaction:
 * the sale, the org's sales currency (set by the first sale, checked by every other), a check
 * that each credited team member exists, the source's external id claim and the audit entry.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry } from '../api/schemas/audit';
import { type Refund, Sale } from '../api/schemas/sales';
import { refusals } from '../domain/refusal';
import { saleRefusals } from '../domain/sales';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';

const saleItem = (sale: Sale) => ({
  ...Sale.parse(sale),
  ...keys.sale(sale.orgId, sale.id),
  ...keys.saleIndexes(sale),
  type: 'SALE',
});

export async function getSale(orgId: string, saleId: string): Promise<Sale | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.sale(orgId, saleId) }),
  );
  return Item ? Sale.parse(Item) : undefined;
}

/** Stores a new sale; a source's external id seen before answers the sale it created (`replayed`). */
export async function createSale(sale: Sale, audit: AuditEntry): Promise<{ sale: Sale; replayed: boolean }> {
  const checks: TxItem[] = sale.credits.map((c) => ({
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.teamMember(sale.orgId, c.teamMemberId),
      ConditionExpression: 'attribute_exists(pk)',
    },
  }));
  const claim: TxItem[] = sale.externalId
    ? [
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.saleExternalClaim(sale.orgId, sale.source, sale.externalId),
              type: 'SALE_EXTERNAL_ID',
              saleId: sale.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]
    : [];
  const items: TxItem[] = [
    {
      Put: { TableName: tableName(), Item: saleItem(sale), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.salesCurrency(sale.orgId),
        UpdateExpression: 'SET currency = :currency, #type = :type',
        ConditionExpression: 'attribute_not_exists(currency) OR currency = :currency',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':currency': sale.currency, ':type': 'SALES_CURRENCY' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    ...checks,
    ...claim,
    auditPut(audit),
  ];
  const outcome = await transact(items);
  if (outcome.ok) return { sale, replayed: false };
  const claimAt = 2 + checks.length;
  if (claim.length && outcome.failed.includes(claimAt)) {
    const { saleId } = unmarshall(outcome.old[claimAt]!) as { saleId: string };
    const first = await getSale(sale.orgId, saleId);
    if (first) return { sale: first, replayed: true };
  }
  if (outcome.failed.includes(1)) {
    const { currency } = unmarshall(outcome.old[1]!) as { currency: string };
    throw saleRefusals.otherCurrency(currency);
  }
  const missing = checks.findIndex((_, i) => outcome.failed.includes(2 + i));
  if (missing >= 0) throw saleRefusals.noSuchTeamMember(missing);
  throw new Error(`sale id ${sale.id} collided`);
}

/**
 * Stores every sale of an import or none: one transaction with each sale, its external id claim,
 * a check per credited person, the currency and one audit entry. `lineOf(i)` names the CSV line of
 * sale i in refusals.
 */
export async function importSales(
  list: Sale[],
  audit: AuditEntry,
  lineOf: (i: number) => number,
): Promise<void> {
  const orgId = list[0]!.orgId;
  const people = [...new Set(list.flatMap((s) => s.credits.map((c) => c.teamMemberId)))];
  const steps: { item: TxItem; refusal: () => Error }[] = [
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.salesCurrency(orgId),
          UpdateExpression: 'SET currency = :currency, #type = :type',
          ConditionExpression: 'attribute_not_exists(currency) OR currency = :currency',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':currency': list[0]!.currency, ':type': 'SALES_CURRENCY' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      refusal: () => new Error('replaced below with the stored currency'),
    },
    ...people.map((id) => {
      const i = list.findIndex((s) => s.credits.some((c) => c.teamMemberId === id));
      const j = list[i]!.credits.findIndex((c) => c.teamMemberId === id);
      return {
        item: {
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.teamMember(orgId, id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        } as TxItem,
        refusal: () => saleRefusals.noSuchTeamMemberAt(`csv.${lineOf(i)}.credits.${j}.teamMemberId`),
      };
    }),
    ...list.flatMap((sale, i) => [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: saleItem(sale),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        } as TxItem,
        refusal: () => new Error(`sale id ${sale.id} collided`),
      },
      ...(sale.externalId
        ? [
            {
              item: {
                Put: {
                  TableName: tableName(),
                  Item: {
                    ...keys.saleExternalClaim(orgId, sale.source, sale.externalId),
                    type: 'SALE_EXTERNAL_ID',
                    saleId: sale.id,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              } as TxItem,
              refusal: () => saleRefusals.alreadyRecorded(`csv.${lineOf(i)}.externalId`),
            },
          ]
        : []),
    ]),
  ];
  const outcome = await transact([...steps.map((s) => s.item), auditPut(audit)]);
  if (outcome.ok) return;
  if (outcome.failed.includes(0)) {
    const { currency } = unmarshall(outcome.old[0]!) as { currency: string };
    throw saleRefusals.otherCurrency(currency);
  }
  const failed = steps.findIndex((_, i) => outcome.failed.includes(i));
  throw failed >= 0 ? steps[failed]!.refusal() : refusals.changedMeanwhile('organization');
}

/** The refund's record and the sale's new total, if the sale is still the version that was read. */
export async function refundSale(
  after: Sale,
  before: Sale,
  refund: Refund,
  audit: AuditEntry,
): Promise<void> {
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: saleItem(after),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': before.version },
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: { ...refund, ...keys.saleRefund(after.orgId, after.id, refund.id), type: 'SALE_REFUND' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut(audit),
  ]);
  if (!outcome.ok) throw refusals.changedMeanwhile('sale');
}

/** One Query on gsi2: the org's sales newest first, within [from, to) of occurredAt when given. */
export async function listSales(
  orgId: string,
  options: { from?: string | undefined; to?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<Sale>> {
  const page = await queryPage({
    index: 'gsi2',
    partition: keys.salesByTime(orgId),
    // Sort keys are `<occurredAt>#<saleId>`: `from` itself sorts before every sale at that instant,
    // and `to` before every sale at `to`, so BETWEEN is exactly [from, to).
    sortRange: { from: options.from, to: options.to },
    newestFirst: true,
    limit: options.limit,
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map((item) => Sale.parse(item)) };
}
