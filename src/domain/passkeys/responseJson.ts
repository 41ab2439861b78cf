import { AppError } from '../../errors.ts';

/**
 * The browser's WebAuthn answer as posted (JSON text in a hidden field). Only its shape is checked here;
 * @simplewebauthn/server checks everything in it. A missing or broken one names `field`.
 */
export function credentialOf(posted: string, field: string): Record<string, unknown> {
  try {
    const value = JSON.parse(posted) as unknown;
    if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through: said below
  }
  throw new AppError(
    'validation',
    'Your browser did not send a passkey. Try again, or use a browser that supports passkeys.',
    field,
  );
}
