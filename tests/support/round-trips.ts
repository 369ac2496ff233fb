/** Counts the DynamoDB requests the handlers send (the shared client's middleware stack sees every one). */
import { ddb } from '../../functions/data/client';

const sent: string[] = [];
ddb().middlewareStack.add(
  (next, context) => (args) => {
    sent.push(String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'countRoundTrips' },
);

export async function roundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const start = sent.length;
  const result = await fn();
  return { result, commands: sent.slice(start) };
}
