/**
 * What each Lambda may do, declared per handler module and granted exactly (access-policy.ts).
 * A module in the route table without an entry here stops synth, so a new handler cannot ship
 * with borrowed or blanket permissions. Keep each list to the calls the module's code makes.
 *
 * DynamoDB has no IAM actions for transactions: TransactWriteItems is authorized per item as
 * PutItem/UpdateItem/DeleteItem/ConditionCheckItem, TransactGetItems as GetItem.
 */

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

export interface FunctionAccess {
  /** Granted on the table, and on its indexes when the list includes Query. */
  table: readonly TableAction[];
  /** Reads the HMAC key that signs paging cursors and OAuth state. */
  signingKey?: boolean;
  /**
   * Provider secrets (OAuth tokens, API keys) under the stage's secrets prefix: read them, also
   * replace the value of existing ones (refreshed tokens), or also create and delete them.
   */
  secrets?: 'read' | 'update' | 'write';
  /** Enqueues calendar syncs. */
  sendToSyncQueue?: boolean;
  /** Receives and deletes sync messages (the worker's SQS event source polls with this role). */
  consumeSyncQueue?: boolean;
  /** Sends email from the configured sender identity. */
  sendMail?: boolean;
}

/** Loading the caller reads their profile and creates it on first call (lib/http-handler.ts). */
const caller: TableAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/**
 * Tenant changes are transactions (item + counter + audit entry, with condition checks); org-scoped
 * routes also read the caller's membership, a GetItem already in `caller`.
 */
const tenantWrites: TableAction[] = [
  ...caller,
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/** Keyed by handler module (functions/http/<module>.ts). */
export const httpFunctionAccess: Readonly<Record<string, FunctionAccess>> = {
  health: { table: [] },
  openapi: { table: [] },
  me: { table: caller },
  // Lists page with signed cursors (data/cursor.ts), hence the signing key.
  audit: { table: [...caller, 'dynamodb:Query'], signingKey: true },
  // Listing the caller's orgs batch-reads them; deleting a tenant batch-deletes its partition.
  orgs: {
    table: [...tenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
    signingKey: true,
  },
  members: { table: [...tenantWrites, 'dynamodb:Query'], signingKey: true },
  invites: {
    table: [...tenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    signingKey: true,
    sendMail: true,
  },
  // Connect signs OAuth state; events are written in batches; disconnect deletes the stored
  // tokens and empties the user's event partition.
  calendar: {
    table: [
      ...caller,
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ],
    signingKey: true,
    secrets: 'write',
    sendToSyncQueue: true,
  },
  // Public (no caller to load): verifies and consumes the state, checks the membership, stores the
  // tokens and the connection, enqueues the first sync.
  'oauth-callback': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    signingKey: true,
    secrets: 'write',
    sendToSyncQueue: true,
  },
};

/** The calendar sync jobs (functions/jobs/), which the Sync stack wires explicitly. */
export const jobFunctionAccess = {
  // Queries the due shard of gsi2 and leases each connection before queueing it.
  'sync-dispatcher': {
    table: ['dynamodb:Query', 'dynamodb:UpdateItem'],
    sendToSyncQueue: true,
  },
  // Leases and updates the connection (UpdateItem with return values), reads the stored event
  // refs, writes synced events in batches; refreshed Google tokens go back to Secrets Manager.
  'sync-worker': {
    table: ['dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
    secrets: 'update',
    consumeSyncQueue: true,
  },
} as const satisfies Record<string, FunctionAccess>;

export function accessFor(module: string): FunctionAccess {
  const access = httpFunctionAccess[module];
  if (!access) {
    throw new Error(
      `Handler module ${module} has no access declaration in infra/stacks/function-access.ts; add one.`,
    );
  }
  return access;
}
