/**
 * A module loaded on the first call that needs it, then kept for the container's life. SDK clients
 * a route group rarely uses (SES, SQS, Secrets Manager, Cognito, Bedrock, LiveKit, Google) stay out
 * of its cold start this way: the bundler puts each in a chunk of its own (infra AppFunction,
 * `splitting`), read from disk only when first imported (npm run bench, section 1). A failed load
 * is not kept, so the next call tries again.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
