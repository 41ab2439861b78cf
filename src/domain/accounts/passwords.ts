import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

// OWASP's argon2id recommendation (m=19 MiB, t=2, p=1): ~14 ms per hash on these machines.
const argonOptions = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string): Promise<string> => hash(password, argonOptions);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the username is unknown, so both answers cost one argon2 verification.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('gatehouse-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, minLength: number, personalWords: string[]): string | null {
  if (password.length < minLength) return `Use at least ${minLength} characters.`;
  if (password.length > 256) return 'Use at most 256 characters.';
  const result = zxcvbn.check(password, personalWords.filter(Boolean));
  if (result.score < 3) {
    const hint = result.feedback.warning ?? result.feedback.suggestions[0];
    return `This password is too easy to guess${hint ? `: ${hint.replace(/\.$/, '')}` : ''}. Try a longer phrase of unrelated words.`;
  }
  return null;
}
