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
