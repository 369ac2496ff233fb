/** Sale rules (issue 25): a new sale, a refund of it, and the status its refunds leave it in. */
import { ulid } from 'ulid';
import type { CreateRefundBody, CreateSaleBody, Refund, Sale } from '../api/schemas/sales';
import { formatMinor } from './money';
import { type Refusal, refuse } from './refusal';

export function newSale(orgId: string, body: CreateSaleBody, now: Date): Sale {
  const at = now.toISOString();
  return {
    id: `sal_${ulid(now.getTime())}`,
    orgId,
    amount: body.amount,
    currency: body.currency,
    occurredAt: body.occurredAt,
    source: body.source,
    externalId: body.externalId ?? null,
    contact: body.contact,
    products: body.products,
    credits: body.credits,
    status: 'paid',
    refundedAmount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export function statusAfter(amount: number, refunded: number): Sale['status'] {
  return refunded === 0 ? 'paid' : refunded >= amount ? 'refunded' : 'partially_refunded';
}

/** The sale after the refund and the refund's record, or why it cannot be refunded that much. */
export function refundSale(
  sale: Sale,
  body: CreateRefundBody,
  now: Date,
): { sale: Sale; refund: Refund } | Refusal {
  const left = sale.amount - sale.refundedAmount;
  if (body.amount > left) {
    return refuse(
      'refused',
      left === 0
        ? 'This sale is already refunded in full.'
        : `At most ${formatMinor(left, sale.currency)} ${sale.currency} of this sale is left to refund.`,
      'amount',
    );
  }
  const at = now.toISOString();
  const refundedAmount = sale.refundedAmount + body.amount;
  return {
    sale: {
      ...sale,
      refundedAmount,
      status: statusAfter(sale.amount, refundedAmount),
      updatedAt: at,
      version: sale.version + 1,
    },
    refund: {
      id: `ref_${ulid(now.getTime())}`,
      saleId: sale.id,
      amount: body.amount,
      currency: sale.currency,
      reason: body.reason ?? null,
      createdAt: at,
    },
  };
}

export const saleRefusals = {
  otherCurrency: (currency: string) =>
    refuse(
      'refused',
      `This organization records its sales in ${currency}; one currency per organization.`,
      'currency',
    ),
  noSuchTeamMember: (index: number) => saleRefusals.noSuchTeamMemberAt(`credits.${index}.teamMemberId`),
  noSuchTeamMemberAt: (field: string) =>
    refuse('not_found', 'No team member of this organization has this id.', field),
  alreadyRecorded: (field: string) =>
    refuse(
      'conflict',
      'A sale with this source and external id is already recorded; nothing was imported.',
      field,
    ),
};
