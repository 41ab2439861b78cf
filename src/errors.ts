/** Expected failures carry a stable code; pages show the message next to `field`, the API returns it. */
export type ErrorCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'gone'
  | 'too_large'
  | 'unprocessable'
  | 'unavailable';

/** The one table from error code to HTTP status. */
export const httpStatusOf: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Field errors from one form, reported together so the user fixes them in one go. */
export class ValidationErrors extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super('validation', Object.values(fields)[0] ?? 'Invalid input', Object.keys(fields)[0]);
  }
}
