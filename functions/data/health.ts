/** Readiness: one consistent-cost read that proves the table answers (a missing item is fine). */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { keys } from './keys';

export async function probeTable(): Promise<void> {
  await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.healthProbe() }));
}
