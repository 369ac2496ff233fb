/**
 * Abuse limits as fixed windows: at most `limit` actions per bucket per window. Buckets are
 * counted by the store inside the transaction of the action itself, so a refused action leaves
 * no trace and concurrent requests cannot overshoot.
 */

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
