/** True when a database error is a unique-constraint violation (optionally on one named constraint). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  const { code, constraint: name } = (e ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && (constraint === undefined || name === constraint);
}

/**
 * True when PostgreSQL gave up on a transaction because of another one running at the same moment
 * (deadlock_detected, serialization_failure): nothing was wrong with the request, and trying again works.
 */
export function isConcurrencyFailure(error: unknown): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  const { code } = (e ?? {}) as { code?: string };
  return code === '40P01' || code === '40001';
}

/** True when a statement gave up waiting for a lock (lock_not_available: `lock_timeout`, `NOWAIT`). */
export function isLockTimeout(error: unknown): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  return (e as { code?: string } | null)?.code === '55P03';
}

// Node socket errors meaning the server is not there (any more), or not reachable right now.
const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// node-postgres reports a lost or failed connection with a plain message and no code.
const UNREACHABLE_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * True when a query failed because PostgreSQL could not be reached or went away (restart, failover,
 * network): the request was fine and will work again once the database is back. SQLSTATE class 08
 * (connection exception), 57P01/57P02/57P03 (admin or crash shutdown, not accepting connections yet),
 * and the socket errors of a refused, reset or timed-out connection. Looks through drizzle's wrapper
 * (`cause`) and through Node's AggregateError (one error per address tried).
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (/^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (UNREACHABLE_SOCKET_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnreachable(e, depth + 1))) return true;
  return isDatabaseUnreachable(cause, depth + 1);
}
