/** Sales transactions (issue 25): integer money in one currency per org, credited to team members by split. */
import { route } from '../route';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';
import {
  CreateRefundBody,
  CreateSaleBody,
  ImportResult,
  ImportSalesBody,
  RefundResult,
  Sale,
  SaleListQuery,
  SaleParams,
} from '../schemas/sales';

export const createSale = route({
  operationId: 'createSale',
  method: 'POST',
  path: '/orgs/{orgId}/sales',
  module: 'sales',
  summary:
    'Record a paid sale; the first sale fixes the org’s currency (another is a 422 naming currency); a source’s external id given twice answers the first sale (Idempotent-Replayed: true)',
  auth: { kind: 'org', permission: 'sales:write' },
  params: OrgParams,
  body: CreateSaleBody,
  response: Sale,
  successStatus: 201,
  errors: [422],
});

export const listSales = route({
  operationId: 'listSales',
  method: 'GET',
  path: '/orgs/{orgId}/sales',
  module: 'sales',
  summary: 'The org’s sales by when they occurred, newest first, optionally in a period [from, to)',
  auth: { kind: 'org', permission: 'sales:read' },
  params: OrgParams,
  query: SaleListQuery,
  response: page(Sale),
  successStatus: 200,
});

export const getSale = route({
  operationId: 'getSale',
  method: 'GET',
  path: '/orgs/{orgId}/sales/{saleId}',
  module: 'sales',
  summary: 'A sale',
  auth: { kind: 'org', permission: 'sales:read' },
  params: SaleParams,
  response: Sale,
  successStatus: 200,
});

export const createRefund = route({
  operationId: 'createRefund',
  method: 'POST',
  path: '/orgs/{orgId}/sales/{saleId}/refunds',
  module: 'sales',
  summary:
    'Refund part or all of a sale (its own record); more than is left to refund is a 422 naming amount',
  auth: { kind: 'org', permission: 'sales:write' },
  params: SaleParams,
  body: CreateRefundBody,
  response: RefundResult,
  successStatus: 201,
  errors: [409, 422],
});

export const importSales = route({
  operationId: 'importSales',
  method: 'POST',
  path: '/orgs/{orgId}/sales/import',
  module: 'sales',
  summary:
    'Import sales from CSV (columns occurredAt, amount, currency, credits as tmb_…:bp|…, source, externalId, contactName, contactEmail, contactPhone): all or nothing; every problem is named csv.<line>.<field>',
  auth: { kind: 'org', permission: 'sales:write' },
  params: OrgParams,
  body: ImportSalesBody,
  response: ImportResult,
  successStatus: 201,
  errors: [404, 409, 422],
});
