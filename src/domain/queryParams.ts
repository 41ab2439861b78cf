import { AppError } from '../errors.ts';

/** A validation error for one field of a list's query string. */
export const badParam = (message: string, field: string) => new AppError('validation', message, field);

/**
 * Queries that a list's own zod schema produced: frozen, so they cannot have changed since, and remembered
 * here, so that the list's use-case need not check them again. Writing a query out as its query string and
 * parsing it back cost ~10–30 µs a page view; queries built in code (the CLI, tests, a parsed query spread
 * into a new object) are still checked in full.
 */
const parsedQueries = new WeakSet<object>();

/** Marks a query as its schema's output (call it last in the schema's transform). */
export function parsedQuery<T extends object>(query: T): T {
  parsedQueries.add(Object.freeze(query));
  return query;
}

/** True for a query that `parsedQuery` marked: it passed its schema and has not been changed since. */
export const isParsedQuery = (query: object): boolean => parsedQueries.has(query);
