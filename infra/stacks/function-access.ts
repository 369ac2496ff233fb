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

/**
 * Calls on the Google token secrets (`<prefix>google-calendar/<orgId>/<userId>`): GetSecretValue,
 * PutSecretValue, CreateSecret, DeleteSecret. The secret store replaces first and creates only when
 * the secret is missing (adapters/secrets.ts), so a function that only refreshes needs no `create`.
 */
export type TokenSecretCall = 'get' | 'put' | 'create' | 'delete';

export interface FunctionAccess {
  /** Granted on the table, and on its indexes when the list includes Query. */
  table: readonly TableAction[];
  /** Reads the HMAC key that signs paging cursors and OAuth state. */
  signingKey?: boolean;
  /** Reads the Google OAuth client secret (every function that builds a Google OAuth client). */
  googleClientSecret?: boolean;
  tokenSecrets?: readonly TokenSecretCall[];
  /** Calls on agents' provider-key secrets (`<prefix>agents/<orgId>/<agentId>`), one secret per agent. */
  agentKeySecrets?: readonly TokenSecretCall[];
  /** Enqueues calendar syncs and offboardings. */
  sendToSyncQueue?: boolean;
  /** Receives and deletes sync messages (the worker's SQS event source polls with this role). */
  consumeSyncQueue?: boolean;
  /** Sends email from the configured sender identity. */
  sendMail?: boolean;
  /**
   * Reads the LiveKit API key and secret (the secret `livekitSecretName` names): to sign tokens and
   * server API calls, and to verify LiveKit's webhooks.
   */
  livekitSecret?: boolean;
  /** Creates and deletes org API clients: Cognito app clients in the stage's user pool, no other. */
  userPoolClients?: boolean;
  /** Deletes (only) Cognito app clients in the stage's user pool: those of deleted orgs. */
  deleteUserPoolClients?: boolean;
  /** Publishes to the live channels (AppSync Events, IAM auth) of this deployment's Event API. */
  publishLiveEvents?: boolean;
  /**
   * Calls Bedrock's Converse and ConverseStream (bedrock:InvokeModel and
   * InvokeModelWithResponseStream) on the allow-listed foundation models only (functions/api/llm.ts).
   */
  invokeModels?: boolean;
  /**
   * Embeds knowledge passages or questions with the knowledge embedding model (bedrock:InvokeModel
   * on that one foundation model): knowledge writes and every route that retrieves.
   */
  embedKnowledge?: boolean;
}

/** Loading the caller reads their profile and creates it on first call (lib/http-handler.ts). */
const caller: TableAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/**
 * Org-scoped routes also read the caller's membership together with the org's status (suspended?)
 * in one BatchGetItem (README "Platform administration").
 */
const orgCaller: TableAction[] = [...caller, 'dynamodb:BatchGetItem'];
/** Tenant changes are transactions (item + counter + audit entry). */
const tenantWrites: TableAction[] = [...orgCaller, 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** ...that also check items they name (an agent, a member, the org) in the same transaction. */
const checkedTenantWrites: TableAction[] = [...tenantWrites, 'dynamodb:ConditionCheckItem'];

/** Keyed by handler module (functions/http/<module>.ts). */
export const httpFunctionAccess: Readonly<Record<string, FunctionAccess>> = {
  // GET /health?deep=1 reads one (absent) item to prove the table answers.
  health: { table: ['dynamodb:GetItem'] },
  openapi: { table: [] },
  me: { table: caller },
  // Lists page with signed cursors (data/cursor.ts), hence the signing key.
  audit: { table: [...orgCaller, 'dynamodb:Query'], signingKey: true },
  // Listing the caller's orgs batch-reads them; deleting a tenant batch-deletes its partition and
  // queues the offboarding of its members' calendars and the deletion of its dispatch rules and
  // Cognito app clients (the sync worker does both; this function calls neither Google, LiveKit
  // nor Cognito).
  orgs: {
    table: [...tenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
    signingKey: true,
    sendToSyncQueue: true,
    // Deleting an org schedules its agents' key secrets for deletion.
    agentKeySecrets: ['delete'],
  },
  // Removing a member queues the offboarding of their calendar, as for orgs.
  members: { table: [...tenantWrites, 'dynamodb:Query'], signingKey: true, sendToSyncQueue: true },
  invites: {
    table: [...checkedTenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    signingKey: true,
    sendMail: true,
  },
  // Agents: the item and the org's agent counter in one transaction; keys read, replaced, created
  // and (scheduled for) deletion in the agent's own secret; lists page with signed cursors and
  // batch-read shared-in agents from their owners; a deleted agent's shares go in a batch and its
  // phone numbers are found (Query) and unassigned one transaction each, their LiveKit dispatch
  // rules deleted (hence the LiveKit secret).
  agents: {
    table: [...checkedTenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
    signingKey: true,
    agentKeySecrets: ['get', 'put', 'create', 'delete'],
    livekitSecret: true,
  },
  // Test calls: reads the agent (own, or shared-in through the mirror item and its owner's item),
  // counts the call in the org's and the caller's rate buckets (one transaction of two updates) and
  // signs a LiveKit token with the key and secret from the LiveKit secret.
  'agent-sessions': { table: [...orgCaller, 'dynamodb:UpdateItem'], livekitSecret: true },
  // Org API clients: the client item, its platform-wide lookup, the org's client counter and the
  // audit entry in one transaction; the Cognito app client created before and deleted on refusal.
  'api-clients': {
    table: [...tenantWrites, 'dynamodb:Query'],
    signingKey: true,
    userPoolClients: true,
  },
  // The voice runtime: the agent's lookup by id, then the agent with its org's status (one
  // BatchGetItem: a suspended org's agents do not run), and its provider keys (read only).
  runtime: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], agentKeySecrets: ['get'] },
  // Call records written by the voice runtime: the agent's lookup and the agent with its org's
  // status (BatchGetItem), the room's claim read, then the call, its claim, its conversation and the
  // conversation counter in one transaction; events read back (BatchGetItem) and written with the
  // call's and conversation's totals in one transaction.
  'runtime-calls': {
    table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // Call records read by the org: lists page with signed cursors; a call's detail reads its events
  // and its conversation's messages (Query).
  calls: { table: [...orgCaller, 'dynamodb:Query'], signingKey: true },
  // LiveKit webhooks (public, signature-verified with the LiveKit key and secret): a call task read
  // by id beside the org's status and the agent (a shared-in one with its owner's status, one
  // BatchGetItem), then written with its counter, agent check and the event's idempotency item in
  // one transaction.
  'livekit-webhook': {
    table: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    ],
    livekitSecret: true,
  },
  // Phone numbers: the number, its platform-wide claim (outside the tenant) and the org's number
  // counter in one transaction, with a check that an assigned agent still exists; lists page with
  // signed cursors. With a SIP trunk, (un)assigning calls LiveKit for the number's dispatch rule.
  'phone-numbers': {
    table: [...checkedTenantWrites, 'dynamodb:Query'],
    signingKey: true,
    livekitSecret: true,
  },
  // Prompts: the head and its new version in one transaction (with the audit entry); deleting
  // queries the prompt's versions and batch-deletes them; lists page with signed cursors.
  prompts: { table: [...tenantWrites, 'dynamodb:Query', 'dynamodb:BatchWriteItem'], signingKey: true },
  // Knowledge: entry, content, version bump and agent checks in one transaction; a long entry's
  // chunks are batch-written before it and replaced ones batch-deleted after; reading an entry is
  // one BatchGet (entry + content); search reads the version, the agent, and on a rebuild queries
  // the knowledge partition; lists page with signed cursors.
  // Embeds a write's passages (before the transaction) and a search's question with Titan.
  knowledge: {
    table: [...checkedTenantWrites, 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
    signingKey: true,
    embedKnowledge: true,
  },
  // Conversations: the conversation and its audit entry in one transaction; a message reads the
  // agent, the recent messages (Query) and the org, retrieves knowledge (the version, a Query on
  // rebuild) and reads the prompt, stores the question with the rate bucket and its token
  // reservation (one transaction), reads the agent's key for an openai-compatible LLM, calls the
  // model, and stores the reply with the token counters. Lists page with signed cursors; usage is
  // one BatchGet. Streams a person's reply to its conversation's live channel as the model writes it.
  conversations: {
    table: [...orgCaller, 'dynamodb:UpdateItem', 'dynamodb:Query'],
    signingKey: true,
    agentKeySecrets: ['get'],
    invokeModels: true,
    embedKnowledge: true,
    publishLiveEvents: true,
  },
  // Voice turns: reads the agent and its keys (speech providers' and an openai-compatible LLM's),
  // then the same turn as a message (recent messages, org, knowledge, prompt; the question and the
  // reply each in one transaction) and streams a person's reply to its live channel. Deepgram and
  // OpenAI are called over HTTPS with the agent's keys, which need no IAM. A voice preview reads the
  // agent and its keys and counts the sample in the org's and the caller's buckets (one transaction).
  voice: {
    table: [...orgCaller, 'dynamodb:UpdateItem', 'dynamodb:Query'],
    agentKeySecrets: ['get'],
    invokeModels: true,
    embedKnowledge: true,
    publishLiveEvents: true,
  },
  // The voice worker's turns: the agent by id with its org's status (as the runtime read), the
  // conversation (created on its first turn with its audit entry), then the same turn as a
  // message (recent messages, knowledge, prompt; question and reply each in one transaction) and
  // the tools: availability reads the members, connections and events (Queries, BatchGet), booking
  // writes to Google with the member's token (refreshed ones stored) and then the event (a batch
  // write, as the sync stores events), a follow-up task is one checked transaction; each tool call
  // writes its audit entry. It never deletes.
  'runtime-turns': {
    table: [
      ...orgCaller,
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ],
    agentKeySecrets: ['get'],
    invokeModels: true,
    embedKnowledge: true,
    googleClientSecret: true,
    tokenSecrets: ['get', 'put'],
  },
  // Tasks: the task, its quarter-hour counter, checks on the agent and assignee it names, the
  // idempotency key and the audit entry in one transaction; lists page with signed cursors (one
  // Query on the org partition or an index), the summary Queries the counters.
  tasks: { table: [...checkedTenantWrites, 'dynamodb:Query'], signingKey: true },
  // Team members: the person, the uniqueness claims it takes and frees, a check on a linked
  // login's membership and the audit entry in one transaction; lists page with signed cursors.
  'team-members': {
    table: [...orgCaller, 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
    signingKey: true,
  },
  // Sales: the sale, the org's sales currency, checks on the credited team members, the external
  // id claim and the audit entry in one transaction (a replayed external id reads the first sale);
  // refunds put their record beside the versioned sale; lists page with signed cursors on gsi2.
  sales: {
    table: [...orgCaller, 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
    signingKey: true,
  },
  // Platform administration: reads across tenants (org search on gsi1/gsi2, an org's members,
  // agents, numbers and task counters, users by email), writes the org and platform audit entries
  // of each read and the status, plan and role grants in transactions; lists page with signed cursors.
  // Suspending deletes the org's numbers' SIP dispatch rules and reactivating makes them again
  // (hence the LiveKit secret).
  admin: {
    table: [...tenantWrites, 'dynamodb:Query'],
    signingKey: true,
    livekitSecret: true,
  },
  // Connect signs OAuth state and builds the consent URL; event writes read the tokens and store
  // refreshed ones; disconnect revokes, deletes the tokens and empties the user's event partition.
  calendar: {
    table: [
      ...orgCaller,
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ],
    signingKey: true,
    googleClientSecret: true,
    tokenSecrets: ['get', 'put', 'delete'],
    sendToSyncQueue: true,
  },
  // Public (no caller to load): verifies and consumes the state, checks the membership, exchanges
  // the code, stores the new tokens (creating their secret on first connect; never reading one)
  // and the connection, enqueues the first sync.
  'oauth-callback': {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    signingKey: true,
    googleClientSecret: true,
    tokenSecrets: ['put', 'create'],
    sendToSyncQueue: true,
  },
};

/** Functions outside the route table (jobs, the live authorizer), which their stacks wire explicitly. */
export const jobFunctionAccess = {
  // Queries the due shard of gsi2 and leases each connection before queueing it.
  'sync-dispatcher': {
    table: ['dynamodb:Query', 'dynamodb:UpdateItem'],
    sendToSyncQueue: true,
  },
  // Sync: leases and updates the connection (UpdateItem with return values), reads the stored event
  // refs, writes synced events in batches, stores refreshed tokens. Offboarding a removed member:
  // checks the membership, revokes at Google, deletes the tokens, the connection and its events.
  // A deleted org's leftovers: deletes its numbers' LiveKit dispatch rules (hence the LiveKit
  // secret) and its API clients' Cognito app clients.
  'sync-worker': {
    table: [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
    ],
    googleClientSecret: true,
    tokenSecrets: ['get', 'put', 'delete'],
    consumeSyncQueue: true,
    livekitSecret: true,
    deleteUserPoolClients: true,
  },
  // The live channels' authorizer (infra/stacks/live-stack.ts): reads the caller's profile (bound
  // to its issuer), then their membership of the channel's org with the org's status in one BatchGet.
  'live-authorizer': { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] },
  // The change publisher reads nothing from the table (the stream hands it the images; Lambda's
  // poller holds the stream permissions) and publishes to the live channels.
  'publish-changes': { table: [], publishLiveEvents: true },
  // The presence handler reads nothing: the authorizer's answer and the clock are all it stamps.
  'live-presence': { table: [] },
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
