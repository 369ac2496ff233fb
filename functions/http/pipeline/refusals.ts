/** The one place a refusal becomes the problem the client sees, and small handler helpers. */
import { type Refusal, type RefusalKind, refusals } from '../../domain/refusal';
import { Problem, problems } from '../../lib/problem';

const statusOf: Record<Exclude<RefusalKind, 'invalid' | 'throttled'>, [number, string]> = {
  forbidden: [403, 'Forbidden'],
  not_found: [404, 'Not Found'],
  conflict: [409, 'Conflict'],
  gone: [410, 'Gone'],
  stale: [412, 'Precondition Failed'],
  refused: [422, 'Unprocessable Content'],
  upstream: [502, 'Bad Gateway'],
  unavailable: [503, 'Service Unavailable'],
};

export function problemFor(refusal: Refusal): Problem {
  if (refusal.kind === 'invalid') return problems.invalidField(refusal.field ?? 'body', refusal.message);
  if (refusal.kind === 'throttled')
    return problems.tooManyRequests(refusal.message, refusal.retryAfterSeconds ?? 1);
  const [status, title] = statusOf[refusal.kind];
  const errors = refusal.field ? [{ field: refusal.field, message: refusal.message }] : undefined;
  return new Problem(status, title, refusal.message, errors);
}

export function found<T>(value: T | undefined): T {
  if (value === undefined) throw refusals.notFound();
  return value;
}

/** If-Match, when the client sent one, must name the version it is about to change. */
export function checkIfMatch(ifMatch: number | undefined, current: { version: number }): void {
  if (ifMatch !== undefined && ifMatch !== current.version) throw refusals.stale();
}

/**
 * What a write that lost a race to another writer answers: 412 when the caller named the version
 * it read (If-Match), otherwise 409, since a precondition the request did not carry cannot fail.
 */
export function lostRace(ifMatch: number | undefined, what: string): () => Refusal {
  return ifMatch === undefined ? () => refusals.changedMeanwhile(what) : refusals.stale;
}
