/**
 * The one way rules, stores and adapters say "no, because": a kind (what the caller can do about
 * it), a sentence a person can read, and the field it concerns. No HTTP here: the request
 * pipeline (http/pipeline/refusals.ts) maps each kind to its status, in one place. A refusal is an
 * Error so a store or adapter can throw it through any depth; rules that only inspect return one.
 */
export type RefusalKind =
  /** The input is malformed beyond what the schemas check (an edited cursor). */
  | 'invalid'
  | 'forbidden'
  /** Absent, or not the caller's to see: the two are indistinguishable on purpose. */
  | 'not_found'
  | 'conflict'
  /** Used up, revoked or expired for good. */
  | 'gone'
  /** The caller's If-Match names an older version. */
  | 'stale'
  /** A rule refuses an otherwise valid request. */
  | 'refused'
  | 'throttled'
  /** A provider we call (Google) refused or failed. */
  | 'upstream'
  /** We cannot serve it right now; retrying later helps. */
  | 'unavailable';

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly field?: string,
    /** For `throttled`: when trying again can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function refuse(kind: RefusalKind, message: string, field?: string): Refusal {
  return new Refusal(kind, message, field);
}

/** Throws the refusal a rule returned, if any. */
export function enforce(refusal: Refusal | null): void {
  if (refusal) throw refusal;
}

/** Narrows a rule's result that is either the new value or a refusal. */
export function orRefuse<T>(result: T | Refusal): T {
  if (result instanceof Refusal) throw result;
  return result;
}

/** Sentences that several rules, stores or routes give: each is written here once. */
export const refusals = {
  notFound: () => refuse('not_found', 'The resource does not exist or you cannot see it.'),
  stale: () => refuse('stale', 'The resource changed since you read it; reload it and retry.'),
  changedMeanwhile: (what: string) => refuse('conflict', `The ${what} changed meanwhile; reload and retry.`),
  busy: () => refuse('unavailable', 'The organization is busy; retry in a moment.'),
  memberLimitReached: () => refuse('refused', 'The organization has reached its member limit.'),
  alreadyMember: (field?: string) =>
    refuse('conflict', 'You are already a member of this organization.', field),
  lastOwner: (field: string) =>
    refuse('refused', 'An organization keeps at least one owner; make someone else owner first.', field),
  invalidCursor: () => refuse('invalid', 'is not a cursor this list returned; start again', 'cursor'),
  unverifiedEmail: (what: string) => refuse('forbidden', `Verify your email address ${what}.`),
  calendarNotConnected: () => refuse('conflict', 'Connect your Google Calendar first.'),
  calendarNeedsReauth: () => refuse('conflict', 'Google access has ended; reconnect your calendar.'),
};
