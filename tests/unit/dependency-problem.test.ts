import { InternalServerError, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dependencyProblem } from '../../functions/lib/problem';

const metadata = { $metadata: { httpStatusCode: 400 } };

describe('failing AWS dependencies', () => {
  it('answer throttling with 429 and Retry-After', () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata });
    expect(dependencyProblem(throttled)).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
  });

  it('answer a service failure or an unreachable endpoint with 503 and Retry-After', () => {
    const failed = new InternalServerError({ message: 'boom', $metadata: { httpStatusCode: 500 } });
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const error of [failed, unreachable]) {
      expect(dependencyProblem(error)).toMatchObject({ status: 503, headers: { 'retry-after': '2' } });
    }
  });

  it('leave our own bugs alone: they stay 500s to be fixed, not retried', () => {
    expect(dependencyProblem(new TypeError('x is undefined'))).toBeUndefined();
    expect(dependencyProblem('a string')).toBeUndefined();
  });
});
