import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

/** Paths can carry secrets (/invite/<token>, ?token=…): log the shape of a URL, never its secrets. */
export function redactUrl(url: string): string {
  const [pathname = ''] = url.split('?');
  return (
    pathname.replace(/^\/(invite|reset-password|reset|setup)\/[^/]+/, '/$1/[redacted]') +
    (url.includes('?') ? '?[…]' : '')
  );
}

// Fields of a database error that hold a statement's values: its parameters (Drizzle, PGlite), the
// offending key's value (`detail`: "Key (password_hash)=(…) already exists") and the query options.
const VALUE_FIELDS = new Set(['params', 'detail', 'queryOptions']);

/**
 * A copy of an error (and its causes) without the values of a failed statement, which can be password
 * hashes, token hashes or personal data. The statement's text, the error code, constraint and table stay:
 * they are what someone diagnosing the failure needs. Drizzle puts the values into the message as well.
 */
export function withoutStatementValues<T>(err: T, depth = 0): T {
  if (!(err instanceof Error) || depth > 8) return err;
  const message = err.message.replace(/\nparams: [\s\S]*$/, '');
  const copy = Object.create(Object.getPrototypeOf(err)) as Error & Record<string, unknown>;
  for (const key of Object.keys(err)) {
    if (!VALUE_FIELDS.has(key)) copy[key] = (err as unknown as Record<string, unknown>)[key];
  }
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  const stack = err.stack?.includes(err.message) ? err.stack.replace(err.message, message) : err.stack;
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  if (err.cause !== undefined) {
    Object.defineProperty(copy, 'cause', {
      value: withoutStatementValues(err.cause, depth + 1),
      writable: true,
      configurable: true,
    });
  }
  return copy as T;
}

// What PostgreSQL says about a failure, by name: a wrapped error's own fields are not logged by pino.
const DIAGNOSTIC_FIELDS = ['code', 'severity', 'constraint', 'schema', 'table', 'column', 'where', 'routine'];

function serializeError(err: unknown) {
  const clean = withoutStatementValues(err);
  const serialized = pino.stdSerializers.err(clean as Error) as unknown as Record<string, unknown>;
  const cause = clean instanceof Error ? (clean.cause as Record<string, unknown> | undefined) : undefined;
  if (cause && typeof cause === 'object') {
    const fields = DIAGNOSTIC_FIELDS.filter((f) => cause[f] !== undefined).map((f) => [f, cause[f]]);
    if (fields.length > 0) serialized.cause = Object.fromEntries(fields);
  }
  return serialized;
}

/**
 * Where logs go by default: in a terminal, one readable line per event (an error's stack follows on the
 * lines below it); anywhere else (a service manager, a container, a pipe) unchanged JSON lines for log
 * collectors. Formatted in-process and written synchronously, so nothing is lost when the process exits
 * right after logging, and the redacting serializers above have already run.
 */
export function terminalDestination(
  out: { isTTY?: boolean; write(text: string): unknown } = process.stdout,
): DestinationStream | undefined {
  if (!out.isTTY) return undefined;
  const prettify = prettyFactory({
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,openAt',
    // The start-up line's `openAt` (see serve.ts) reads as part of the sentence.
    messageFormat: '{msg}{if openAt} — open {openAt}{end}',
    colorize: out === process.stdout && process.env.NO_COLOR === undefined,
  });
  return { write: (line: string) => void out.write(prettify(line)) };
}

export function createLogger(
  level: string,
  destination: DestinationStream | undefined = terminalDestination(),
) {
  return pino(
    {
      level,
      serializers: {
        req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url ?? ''),
          ip: req.ip,
        }),
        // Every logged error goes through here, whoever logs it (Fastify, the worker, pg-boss, the CLI).
        err: serializeError,
      },
    },
    destination,
  ) as Logger;
}
