import { monotonicFactory, ulid } from 'ulid';
import { createRefund, createSale, getSale, importSales, listSales } from '../api/routes/sales';
import type { Sale } from '../api/schemas/sales';
import * as sales from '../data/sales';
import { orRefuse } from '../domain/refusal';
import { newSale, refundSale } from '../domain/sales';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

const target = (sale: Sale) => ({ type: 'sale', id: sale.id });

export const handler = httpHandler([
  implement(createSale, async ({ params, body, audit, now }) => {
    const sale = newSale(params.orgId, body, now);
    const created = await sales.createSale(
      sale,
      audit({ action: 'sale.created', target: target(sale), after: sale }),
    );
    return {
      body: created.sale,
      ...(created.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  }),

  implement(importSales, async ({ params, body, audit, now }) => {
    // Ids from one clock reading would collide: each sale takes the next ULID of the same instant.
    const next = monotonicFactory();
    const list = body.map((row) => ({
      ...newSale(params.orgId, row, now),
      id: `sal_${next(now.getTime())}`,
    }));
    await sales.importSales(
      list,
      audit({
        action: 'sale.imported',
        target: { type: 'sale_import', id: `imp_${ulid(now.getTime())}` },
        after: { count: list.length, saleIds: list.map((s) => s.id) },
      }),
      (i) => i + 2,
    );
    return { body: { imported: list.length, sales: list } };
  }),

  implement(listSales, async ({ params, query }) => ({ body: await sales.listSales(params.orgId, query) })),

  implement(getSale, async ({ params }) => ({
    body: found(await sales.getSale(params.orgId, params.saleId)),
  })),

  implement(createRefund, async ({ params, body, audit, now }) => {
    const current = found(await sales.getSale(params.orgId, params.saleId));
    const { sale, refund } = orRefuse(refundSale(current, body, now));
    await sales.refundSale(
      sale,
      current,
      refund,
      audit({
        action: 'sale.refunded',
        target: target(current),
        before: current,
        after: { ...sale, refund },
      }),
    );
    return { body: { sale, refund } };
  }),
]);
