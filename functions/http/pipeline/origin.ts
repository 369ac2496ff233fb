/**
 * Requests must come through CloudFront, whose web ACL limits each address (infra/stacks/edge-stack.ts):
 * the HTTP API's own execute-api address is reachable too and cannot take a web ACL. CloudFront adds
 * a secret header on the way to the API (infra/stacks/web-stack.ts), and the pipeline refuses any
 * request without it before it reads a token or the table. The local stage sets no secret, so its
 * gateway needs no header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../../lib/config';
import { problems } from '../../lib/problem';

/** The header CloudFront's API origin sends, carrying the stage's origin secret. */
export const originVerifyHeader = 'x-origin-verify';

export const outsideCloudFront = 'Call this API through its public address.';

/**
 * Whether `sent` is the expected secret, in time that depends on neither: both are hashed first, so
 * timingSafeEqual compares equal lengths and a wrong guess's length tells nothing either.
 */
export function isOriginSecret(expected: string, sent: string | undefined): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return sent !== undefined && timingSafeEqual(digest(expected), digest(sent));
}

/** Refuses a request that did not come through CloudFront, before any token check or read. */
export function verifyOrigin(event: APIGatewayProxyEventV2): void {
  const expected = config().originSecret;
  if (expected && !isOriginSecret(expected, event.headers?.[originVerifyHeader])) {
    throw problems.forbidden(outsideCloudFront);
  }
}
