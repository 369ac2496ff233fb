/** Turns a domain rule's refusal into the problem the client sees, and other small handler helpers. */
import type { Refusal } from '../domain/refusal';
import type { Caller } from './http-handler';
import { Problem, problems } from './problem';

export function problemFor(refusal: Refusal): Problem {
  const errors = refusal.field ? [{ field: refusal.field, message: refusal.message }] : undefined;
  switch (refusal.kind) {
    case 'forbidden':
      return new Problem(403, 'Forbidden', refusal.message, errors);
    case 'conflict':
      return new Problem(409, 'Conflict', refusal.message, errors);
    case 'gone':
      return new Problem(410, 'Gone', refusal.message, errors);
    case 'refused':
      return problems.unprocessable(refusal.message, errors);
  }
}

export function enforce(refusal: Refusal | null): void {
  if (refusal) throw problemFor(refusal);
}

/** Narrows a domain result that is either the new value or a refusal. */
export function orRefuse<T extends object>(result: T | Refusal): T {
  if ('kind' in result && 'message' in result) throw problemFor(result as Refusal);
  return result as T;
}

export function actorOf(caller: Caller) {
  return { userId: caller.profile.id, email: caller.profile.email };
}

export function found<T>(value: T | undefined): T {
  if (value === undefined) throw problems.notFound();
  return value;
}
