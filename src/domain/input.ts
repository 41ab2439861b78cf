import { z } from 'zod';

/**
 * Pieces of the input schemas of use-cases, shared by the pages, the CLI and the JSON API. The web input
 * guard has already refused repeated names, NUL and non-text values, so every value here is one string or
 * absent.
 */

/** A form field as typed ('' when absent): the use-case says what it must contain. */
export const text = z
  .string()
  .optional()
  .transform((value) => value ?? '');

/** An optional filter: absent or blank is "not given". */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** A checkbox: ticked ("on", "1", "true") or not. */
export const checkbox = z
  .string()
  .optional()
  .transform((value) => value !== undefined && ['on', '1', 'true'].includes(value));

/** A row id in a path: digits only (no signs, exponents or spaces), within JavaScript's safe integers. */
export const id = (what: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/, `There is no ${what} with that id.`)
    .transform(Number);
