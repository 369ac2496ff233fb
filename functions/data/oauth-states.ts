/**
 * OAuth state nonces: written when a consent URL is handed out, deleted by the callback that
 * uses them. The conditional delete is what makes a state single-use, and only for the browser
 * holding the binding cookie (whose sha256 alone is stored); TTL sweeps unused ones.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { keys } from './keys';

export interface OAuthState {
  nonce: string;
  orgId: string;
  userId: string;
  /** sha256 (hex) of the browser-binding cookie value. */
  bindingHash: string;
  expiresAt: Date;
}

/** The OAUTHSTATE#<nonce> item's attributes (besides keys and type); the consuming delete checks each. */
const OAuthStateItem = z.object({
  orgId: z.string(),
  userId: z.string(),
  bindingHash: z.string(),
  /** Epoch seconds, the table's TTL attribute. */
  expiresAt: z.number().check(z.int()),
});

export async function saveOAuthState(state: OAuthState): Promise<void> {
  const item = OAuthStateItem.parse({
    orgId: state.orgId,
    userId: state.userId,
    bindingHash: state.bindingHash,
    expiresAt: Math.floor(state.expiresAt.getTime() / 1000),
  });
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.oauthState(state.nonce), type: 'OAUTH_STATE', ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * True exactly once per stored, unexpired state for this user, org and browser. A wrong binding
 * leaves the state in place, so a stranger's attempt cannot spend the rightful browser's state.
 */
export async function consumeOAuthState(state: Omit<OAuthState, 'expiresAt'>, now: Date): Promise<boolean> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.oauthState(state.nonce),
        ConditionExpression:
          'attribute_exists(pk) AND orgId = :orgId AND userId = :userId AND bindingHash = :binding AND expiresAt > :now',
        ExpressionAttributeValues: {
          ':orgId': state.orgId,
          ':userId': state.userId,
          ':binding': state.bindingHash,
          ':now': Math.floor(now.getTime() / 1000),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
