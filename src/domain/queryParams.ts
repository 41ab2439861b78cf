import { AppError } from '../errors.ts';

/** A validation error for one field of a list's query string. */
export const badParam = (message: string, field: string) => new AppError('validation', message, field);

/** A query-string value: one trimmed string, or nothing. Repeated parameters are refused rather than guessed at. */
export function oneParam(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badParam(`Give "${name}" only once.`, name);
  return value.trim() === '' ? undefined : value.trim();
}
