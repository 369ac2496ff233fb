/** One DynamoDB Local for the whole test run; each test file makes its own table in it (env.ts). */
import type { TestProject } from 'vitest/node';
import { type DynamoLocal, startDynamoLocal } from '../../infra/local/dynamodb';

let dynamo: DynamoLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
