/**
 * A request that is still running when its Lambda is about to time out answers a 503 problem with
 * its request id, and its access log line is still written; a prompt answer is unaffected.
 */
import { describe, expect, it, vi } from 'vitest';
import { getHealth } from '../../functions/api/routes/profile';
import { httpHandler, implement } from '../../functions/http/pipeline/handler';
import { logger } from '../../functions/lib/logger';
import { buildEvent } from '../../infra/local/gateway';

const event = () => buildEvent({ method: 'GET', path: '/health' }, getHealth, {});
const context = (remainingMs: number) =>
  ({ awsRequestId: 'deadline-test', getRemainingTimeInMillis: () => remainingMs }) as never;

describe('the Lambda deadline', () => {
  it('answers 503 with the request id just before the deadline, and logs the request', async () => {
    const info = vi.spyOn(logger, 'info');
    const hanging = httpHandler([implement(getHealth, () => new Promise(() => {}))]);
    const request = event();
    const result = await hanging(request, context(120));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(result.body as string);
    expect(problem.detail).toBe(
      'The request did not finish in time; check whether it took effect before retrying.',
    );
    expect(problem.requestId).toBe(request.requestContext.requestId);
    expect(info).toHaveBeenCalledWith('request', expect.objectContaining({ status: 503 }));
    info.mockRestore();
  });

  it('leaves a prompt answer alone', async () => {
    const prompt = httpHandler([
      implement(getHealth, async () => ({
        body: { status: 'ok' as const, stage: 'test', time: new Date().toISOString() },
      })),
    ]);
    const result = await prompt(event(), context(120));
    expect(result.statusCode).toBe(200);
  });
});
