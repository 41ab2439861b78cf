import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** What a message may quote of a name the client chose. */
const shown = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * One gate for every value a client sends in the path, the query string or a form body, before any
 * page reads it. Pages take fields as single strings; without this gate a NUL byte reached PostgreSQL
 * (which cannot store it: a 500), a repeated name arrived as an array where a string was expected,
 * and a JSON body brought numbers and objects. Forms never send these, so they are refused with a
 * 400 and a message rather than guessed at.
 */
function checkValues(values: unknown, where: 'address' | 'form'): void {
  if (values === undefined || values === null) return;
  if (typeof values !== 'object' || Array.isArray(values) || Buffer.isBuffer(values)) {
    throw new AppError(
      'validation',
      'The form could not be read. Go back, reload the page and send it again.',
    );
  }
  for (const [name, value] of Object.entries(values)) {
    if (!isCleanText(name)) {
      throw new AppError('validation', `The ${where} contains a field name that is not valid text.`);
    }
    if (Array.isArray(value)) {
      throw new AppError('validation', `Give "${shown(name)}" only once.`, name);
    }
    if (typeof value !== 'string') {
      throw new AppError('validation', `"${shown(name)}" must be text, as a form sends it.`, name);
    }
    if (!isCleanText(value)) {
      throw new AppError(
        'validation',
        `"${shown(name)}" contains a character that is not allowed (a NUL byte or broken UTF-8). Remove it and try again.`,
        name,
      );
    }
  }
}

/** No NUL (PostgreSQL text cannot hold it) and no unpaired surrogate (it has no UTF-8 form). */
const isCleanText = (value: string) => !value.includes('\u0000') && !/\p{Cs}/u.test(value);

/**
 * A JSON API body may hold numbers, lists and objects (its route's schema says which), but no text a
 * database cannot store, in a value or a key, at any depth. `at` is the field's path, as errors name it.
 */
function checkJsonText(value: unknown, at: string[] = []): void {
  if (typeof value === 'string') {
    if (!isCleanText(value)) {
      const field = at.join('.') || undefined;
      throw new AppError(
        'validation',
        `${field ?? 'The body'} contains a character that is not allowed (a NUL byte or broken UTF-8).`,
        field,
      );
    }
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, inner] of Object.entries(value)) {
      checkJsonText(key, at);
      checkJsonText(inner, [...at, key]);
    }
  }
}

export function registerInputGuard(server: FastifyInstance): void {
  // preValidation: after the body is parsed (and limited), before access checks and handlers read it.
  server.addHook('preValidation', async (request) => {
    checkValues(request.params, 'address');
    checkValues(request.query, 'address');
    if (request.routeOptions.config?.access === 'api') checkJsonText(request.body);
    else checkValues(request.body, 'form');
  });
}
