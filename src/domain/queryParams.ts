import { AppError } from '../errors.ts';

/** A validation error for one field of a list's query string. */
export const badParam = (message: string, field: string) => new AppError('validation', message, field);
