/**
 * Structured JSON logger, one per container. Values under keys that can carry credentials are
 * replaced before anything is written, so a careless `logger.info('x', { headers })` cannot leak a token.
 */
import { config } from './config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const sensitiveKey = /token|authorization|secret|password|cookie|apikey|api_key|refresh|^code$|^state$/i;
/**
 * JWTs are found in one linear pass: the text is split on characters a JWT cannot contain, and each
 * piece is tested whole. A single unanchored pattern backtracks quadratically on inputs such as
 * "eyJeyJeyJ..." (a log line is attacker-controlled), this cannot.
 */
const nonTokenRun = /([^\w.-]+)/;
const wholeJwt = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;

function redactJwts(text: string): string {
  if (!text.includes('eyJ')) return text;
  return text
    .split(nonTokenRun)
    .map((piece) => (wholeJwt.test(piece) ? '[redacted-jwt]' : piece))
    .join('');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactJwts(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, sensitiveKey.test(k) ? '[redacted]' : redact(v, depth + 1)]),
    );
  }
  return value;
}

class Logger {
  private context: Record<string, unknown> = {};

  /** Per-invocation keys (requestId, routeKey); replaced at the start of every invocation. */
  setContext(context: Record<string, unknown>): void {
    this.context = context;
  }

  debug(message: string, data?: Record<string, unknown>): void {
    this.write('debug', message, data);
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.write('info', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.write('warn', message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.write('error', message, data);
  }

  private write(level: Level, message: string, data?: Record<string, unknown>): void {
    if (order[level] < order[config().logLevel]) return;
    const entry = redact({ level, time: new Date().toISOString(), message, ...this.context, ...data });
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  }
}

export const logger = new Logger();
