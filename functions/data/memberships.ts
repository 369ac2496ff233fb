/** Memberships as the request pipeline needs them: the caller's role in the path's org. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OrgRole } from '../domain/permissions';
import { ddb, tableName } from './client';
import { keys } from './keys';

export interface Membership {
  orgId: string;
  userId: string;
  role: OrgRole;
  additionalRoles: string[];
  version: number;
}

export async function getMembership(orgId: string, userId: string): Promise<Membership | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.membership(orgId, userId) }),
  );
  if (!Item) return undefined;
  return {
    orgId: String(Item.orgId),
    userId: String(Item.userId),
    role: Item.role as OrgRole,
    additionalRoles: (Item.additionalRoles as string[] | undefined) ?? [],
    version: Number(Item.version),
  };
}
