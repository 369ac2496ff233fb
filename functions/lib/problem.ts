/** RFC 9457 problem details. Handlers and the domain throw these; the error middleware renders them. */

export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Response headers the problem implies, such as Retry-After on 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

export const problems = {
  badRequest: (errors: FieldError[]) =>
    new Problem(
      400,
      'Bad Request',
      `Invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      errors,
    ),
  invalidField: (field: string, message: string) => problems.badRequest([{ field, message }]),
  unauthorized: (detail = 'A valid bearer token is required.') => new Problem(401, 'Unauthorized', detail),
  forbidden: (detail = 'Your role does not allow this action.') => new Problem(403, 'Forbidden', detail),
  notFound: (detail = 'The resource does not exist or you cannot see it.') =>
    new Problem(404, 'Not Found', detail),
  conflict: (detail: string) => new Problem(409, 'Conflict', detail),
  gone: (detail: string) => new Problem(410, 'Gone', detail),
  preconditionFailed: (detail = 'The resource changed since you read it; reload it and retry.') =>
    new Problem(412, 'Precondition Failed', detail),
  unprocessable: (detail: string, errors?: FieldError[]) =>
    new Problem(422, 'Unprocessable Content', detail, errors),
  tooManyRequests: (detail: string, retryAfterSeconds: number) =>
    new Problem(429, 'Too Many Requests', detail, undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  badGateway: (detail: string) => new Problem(502, 'Bad Gateway', detail),
  unavailable: (detail: string, retryAfterSeconds?: number) =>
    new Problem(
      503,
      'Service Unavailable',
      detail,
      undefined,
      retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : undefined,
    ),
};

export function problemBody(problem: Problem, requestId: string) {
  return {
    // RFC 9457: about:blank says the status code and title are the whole meaning; `detail` and
    // `errors` explain this occurrence. No made-up URI that resolves nowhere.
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    requestId,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const throttles = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|LimitExceeded/;

/**
 * An AWS service that throttled us (429), failed on its side or could not be reached (503): the
 * caller should retry, so it gets a plain message and Retry-After, never a 500 with a stack.
 */
export function dependencyProblem(error: unknown): Problem | undefined {
  const e = error as { $fault?: string; name?: string; code?: string; $metadata?: unknown } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (e.$metadata !== undefined && throttles.test(String(e.name))) {
    return problems.tooManyRequests('The service is busy right now; retry in a moment.', 1);
  }
  const unreachable = networkCodes.has(String(e.code)) || e.name === 'TimeoutError';
  if (!unreachable && !(e.$metadata !== undefined && e.$fault === 'server')) return undefined;
  return problems.unavailable('A service this request needs is unavailable right now; retry in a moment.', 2);
}
