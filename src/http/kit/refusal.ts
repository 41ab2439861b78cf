import { ZodError } from 'zod';
import { AppError, httpStatusOf, isAppError, ValidationErrors } from '../../errors.ts';
import type { FieldErrors } from '../ui/forms.tsx';

/**
 * A request the portal refused in a way the person can put right on the same page: what to say next to
 * which field (`_form` for the form as a whole), what they had typed, and the status to answer with.
 */
export type Refusal = { errors: FieldErrors; values: Record<string, string>; status: number };

// What was typed comes back into the form, except secrets: a password is never echoed into a page.
const SECRET_FIELD = /password|token|code|_csrf/i;

/** The strings of a request's body or query string, to show again in the form. */
export function typedValues(input: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && !SECRET_FIELD.test(name)) values[name] = value;
  }
  return values;
}

function errorsOf(error: unknown): { errors: FieldErrors; status: number } | null {
  if (error instanceof ZodError) {
    const errors: FieldErrors = {};
    for (const issue of error.issues) errors[String(issue.path[0] ?? '_form')] ??= issue.message;
    return { errors, status: 400 };
  }
  if (!isAppError(error)) return null;
  const status = httpStatusOf[error.code];
  if (error instanceof ValidationErrors) return { errors: error.fields, status };
  if (error.field) return { errors: { [error.field]: error.message }, status };
  // A clash with someone else's change at the same moment is put right the same way: look, and try again.
  if (error.code === 'validation' || error.code === 'conflict')
    return { errors: { _form: error.message }, status };
  return null;
}

/**
 * The one place an error becomes a field error: input that did not parse, an AppError naming a field, or
 * any validation error (shown over the form). Anything else is not a refusal to show in the form — it
 * goes to the error page (not found, forbidden, rate limited without a field, a server error). Errors
 * naming a field the page does not show (`fields`) are shown over the form rather than lost.
 */
export function refusalOf(error: unknown, typed: unknown, fields?: readonly string[]): Refusal | null {
  const found = errorsOf(error);
  if (!found) return null;
  const errors: FieldErrors = {};
  for (const [name, message] of Object.entries(found.errors)) {
    errors[!fields || fields.includes(name) ? name : '_form'] ??= message;
  }
  return { errors, values: typedValues(typed), status: found.status };
}

/** Input that did not parse, where no form can show it: a validation error naming the first field. */
export function validationErrorOf(error: ZodError): AppError {
  const [issue] = error.issues;
  return new AppError('validation', issue?.message ?? 'Invalid input', issue?.path[0]?.toString());
}

/** A path parameter that does not parse names no page: the answer is "not found", as for an unknown id. */
export function notFoundOf(error: ZodError): AppError {
  return new AppError('not_found', error.issues[0]?.message ?? 'There is no such page.');
}

/**
 * A one-time link found used or unknown while its form was being sent (used in another tab, say): which
 * problem it is, from the error's details, for the page that says so. Any other error goes on.
 */
export function linkProblemOf<S extends string>(error: unknown): { problem: S } {
  if (isAppError(error) && (error.code === 'gone' || error.code === 'not_found')) {
    return { problem: (error.details?.state as S | undefined) ?? ('unknown' as S) };
  }
  throw error;
}
