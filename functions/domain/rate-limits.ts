/**
 * Abuse limits as fixed windows: at most `limit` actions per bucket per window. Buckets are
 * counted by the store inside the transaction of the action itself, so a refused action leaves
 * no trace and concurrent requests cannot overshoot.
 */
import { Refusal } from './refusal';

export interface RateLimit {
  /** Names the bucket family in keys and messages. */
  action: string;
  limit: number;
  windowSeconds: number;
}

export interface Window {
  /** ISO start of the window the moment falls in; part of the bucket's key. */
  start: string;
  /** Seconds until the next window opens: the Retry-After of a refusal. */
  retryAfterSeconds: number;
  /** When the bucket can be forgotten (epoch seconds). */
  expiresAt: number;
}

export function windowOf(limit: RateLimit, now: Date): Window {
  const windowMs = limit.windowSeconds * 1000;
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    start: new Date(startMs).toISOString(),
    retryAfterSeconds: Math.ceil((startMs + windowMs - now.getTime()) / 1000),
    expiresAt: Math.floor((startMs + windowMs) / 1000),
  };
}

/** A call that costs money each time (a test call, a search): bounded per org and per caller. */
export interface CallLimits {
  /** What the refusal says the caller made too many of ("test calls"). */
  what: string;
  /** All the org's people and API clients together. */
  org: RateLimit;
  /** One person or one API client. */
  caller: RateLimit;
}

export function perMinute(action: string, what: string, perOrg: number, perCaller: number): CallLimits {
  return {
    what,
    org: { action, limit: perOrg, windowSeconds: 60 },
    caller: { action, limit: perCaller, windowSeconds: 60 },
  };
}

/** A full bucket, the org's or the caller's own: try again when its minute ends. */
export function callLimitRefusal(limits: CallLimits, scope: 'org' | 'caller', now: Date): Refusal {
  const limit = limits[scope];
  const who = scope === 'org' ? 'This organization has' : 'You have';
  return new Refusal(
    'throttled',
    `${who} made ${limit.limit} ${limits.what} this minute, the most allowed; try again shortly.`,
    undefined,
    windowOf(limit, now).retryAfterSeconds,
  );
}
