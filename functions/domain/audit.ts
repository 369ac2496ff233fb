/** Audit entries: who did what to which target, with a before/after summary of the fields that changed. */
import { ulid } from 'ulid';
import type { AuditActor, AuditEntry } from '../api/schemas/audit';

/** Never summarized: anything that could be a credential, and bookkeeping that changes on every write. */
const hidden = /token|secret|hash|password|key/i;
const bookkeeping = new Set(['version', 'updatedAt', 'createdAt', 'memberCount']);

type Fields = Record<string, unknown>;

export function summarize(before: Fields | null, after: Fields | null) {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changed = [...names].filter(
    (name) =>
      !hidden.test(name) &&
      !bookkeeping.has(name) &&
      JSON.stringify(before?.[name]) !== JSON.stringify(after?.[name]),
  );
  const pick = (fields: Fields | null) =>
    fields && Object.fromEntries(changed.filter((n) => n in fields).map((n) => [n, fields[n]]));
  return { before: pick(before), after: pick(after) };
}

/** What changed: the part of an audit entry a handler knows; the request supplies who, where and when. */
export interface AuditChange {
  action: string;
  target: { type: string; id: string };
  before?: Fields | null;
  after?: Fields | null;
}

export interface AuditInput extends AuditChange {
  orgId: string;
  actor: AuditActor;
  requestId: string;
  now: Date;
}

export function auditEntry(input: AuditInput): AuditEntry {
  return {
    id: `aud_${ulid(input.now.getTime())}`,
    orgId: input.orgId,
    at: input.now.toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    requestId: input.requestId,
    ...summarize(input.before ?? null, input.after ?? null),
  };
}
