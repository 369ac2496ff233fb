/**
 * HMAC signatures for values we hand to clients and must trust when they come back (paging
 * cursors, OAuth state). In AWS the key is a generated Secrets Manager secret fetched once per
 * container; locally it is random per process, so local cursors die with the process.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from '../lib/config';
import { secretValue } from './secrets';

let key: Promise<Buffer> | undefined;

async function loadKey(): Promise<Buffer> {
  const { signingKeySecretArn, isLocal } = config();
  if (!signingKeySecretArn) {
    if (!isLocal) throw new Error('SIGNING_KEY_SECRET_ARN is required outside the local stage');
    return randomBytes(32);
  }
  const SecretString = await secretValue(signingKeySecretArn);
  if (!SecretString || SecretString.length < 32) throw new Error('signing key secret is missing or short');
  return Buffer.from(SecretString, 'utf8');
}

function mac(secret: Buffer, purpose: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest();
}

/** `purpose` separates uses, so a cursor signature can never pass as an OAuth state signature. */
export async function sign(purpose: string, payload: string): Promise<string> {
  key ??= loadKey();
  return mac(await key, purpose, payload).toString('base64url');
}

export async function verifySignature(purpose: string, payload: string, signature: string): Promise<boolean> {
  key ??= loadKey();
  const expected = mac(await key, purpose, payload);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
