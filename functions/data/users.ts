/** User profiles: the store port and its DynamoDB adapter. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { Preferences, type UserProfile } from '../api/schemas/me';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { keys } from './keys';

export interface StoredUser {
  profile: UserProfile;
  /** The issuer that created the profile; a token from another issuer with the same sub is refused. */
  issuer: string;
}

export interface UserStore {
  get(userId: string): Promise<StoredUser | undefined>;
  /** Creates the profile unless one exists; returns whichever is stored afterwards. */
  createIfAbsent(user: StoredUser): Promise<StoredUser>;
  /** Replaces the profile if the stored version is still `expectedVersion`; false if it moved on. */
  replace(user: StoredUser, expectedVersion: number): Promise<boolean>;
}

/** The profile item as stored, with the issuer that created it (never shown, always checked). */
const UserItem = z.object({
  id: z.string(),
  issuer: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  name: z.nullable(z.string()),
  picture: z.nullable(z.string()),
  timezone: z.string(),
  preferences: z.record(z.string(), z.unknown()),
  welcomeFormCompleted: z.boolean(),
  canCreateOrgs: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
});

function toItem({ profile, issuer }: StoredUser) {
  return {
    ...keys.user(profile.id),
    ...keys.userEmailIndex(profile.email),
    type: 'USER',
    ...UserItem.parse({ ...profile, issuer }),
  };
}

/** The one place a stored profile becomes the API's UserProfile. */
export function storedUserFromItem(item: Record<string, unknown>): StoredUser {
  const { issuer, preferences, ...profile } = UserItem.parse(item);
  return { profile: { ...profile, preferences: Preferences.parse(preferences) }, issuer };
}

/**
 * A profile by user id. Code that only reads profiles imports this rather than the store, so its
 * bundle (and its role, tests/infra/table-access.test.ts) carries no profile writes.
 */
export async function getUser(userId: string): Promise<StoredUser | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.user(userId) }));
  return Item ? storedUserFromItem(Item) : undefined;
}

export const dynamoUserStore: UserStore = {
  get: getUser,

  async createIfAbsent(user) {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: toItem(user),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return user;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(user.profile.id);
      if (!existing) throw error;
      return existing;
    }
  },

  async replace(user, expectedVersion) {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: toItem(user),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },
};

/**
 * Users holding this email (one per identity provider at most in practice); with `verifiedOnly`,
 * only those whose provider vouched for it, for decisions that must not land on someone who
 * merely typed the address.
 */
export async function findUserIdsByEmail(email: string, { verifiedOnly = false } = {}): Promise<string[]> {
  const { gsi1pk, gsi1sk } = keys.userEmailIndex(email);
  const { Items } = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':sk': gsi1sk },
      ProjectionExpression: 'id, emailVerified',
      Limit: 10,
    }),
  );
  return (Items ?? [])
    .filter((item) => !verifiedOnly || item.emailVerified === true)
    .map((item) => String(item.id));
}

/** How a list of people shows each: the name and picture of their profile (either may be unset). */
export interface PersonLook {
  name: string | null;
  picture: string | null;
}

/**
 * The names and pictures of these users, in one BatchGet of their profiles: for lists that show
 * people (members), not emails. Users without a profile are left out.
 */
export async function peopleByIds(userIds: readonly string[]): Promise<Map<string, PersonLook>> {
  if (userIds.length === 0) return new Map();
  const items = await batchGet([...new Set(userIds)].map((id) => keys.user(id)));
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  return new Map(
    items.map((item) => [String(item.id), { name: text(item.name), picture: text(item.picture) }]),
  );
}
