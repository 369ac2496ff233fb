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

/**
 * What an entry was done to. `name` is what people called it when the entry was written (an
 * agent's name, a member's email, a number): the log reads the same after it is renamed or deleted.
 */
export interface AuditTarget {
  type: string;
  id: string;
  name?: string;
}

/** The fields a record is known by, most specific first (an org's display name before its name). */
const nameFields = ['displayName', 'name', 'title', 'subject', 'email', 'e164'] as const;

/** The name of the record `fields` describes, if it carries one. */
export function nameOf(fields: Fields | null | undefined): string | undefined {
  for (const field of nameFields) {
    const value = fields?.[field];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 200);
  }
  return undefined;
}

/**
 * The target as the entry keeps it: named by the handler, else by the record after the change (a
 * rename's new name), else before it (a deletion's last name); unnamed when neither says.
 */
export function namedTarget(target: AuditTarget, before?: Fields | null, after?: Fields | null): AuditTarget {
  const name = target.name ?? nameOf(after) ?? nameOf(before);
  return name === undefined
    ? { type: target.type, id: target.id }
    : { type: target.type, id: target.id, name };
}

/** What changed: the part of an audit entry a handler knows; the request supplies who, where and when. */
export interface AuditChange {
  action: string;
  target: AuditTarget;
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
    target: namedTarget(input.target, input.before, input.after),
    requestId: input.requestId,
    ...summarize(input.before ?? null, input.after ?? null),
  };
}
