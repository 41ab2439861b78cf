import { createRequire } from 'node:module';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { AppError } from '../../errors.ts';

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

// Loaded and built on first use: loading the word lists takes about 0.25 s and 30-40 MB, ranking them about
// half a second of CPU, which every process (each command, each worker, a portal that never sees a new
// password) would otherwise pay at start-up. `require` keeps the first check synchronous.
const require = createRequire(import.meta.url);
let checker: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  if (checker) return checker;
  const common: typeof import('@zxcvbn-ts/language-common') = require('@zxcvbn-ts/language-common');
  const en: typeof import('@zxcvbn-ts/language-en') = require('@zxcvbn-ts/language-en');
  checker = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return checker;
}

/** What a password is checked against: the portal's rules and whose password it will be. */
export type PasswordRules = { passwordMinLength: number; orgName?: string };
export type PasswordOwner = { username?: string; firstName?: string; lastName?: string; email?: string };

// Words anyone attacking this portal tries first: the product's own and those on its pages.
const PORTAL_WORDS = ['gatehouse', 'portal', 'member', 'members', 'membership', 'login', 'password'];
const MORE_PORTAL_WORDS = ['admin', 'administrator', 'security', 'roster', 'invitation', 'welcome', 'club'];

/** The words a person's password must not be built from: their names, username and email address. */
export function personalWords(owner: PasswordOwner): string[] {
  const { username, firstName, lastName, email } = owner;
  const fullName = [firstName, lastName].filter(Boolean).join(' ');
  return [username, firstName, lastName, fullName, email].filter((w): w is string => Boolean(w));
}

/**
 * Every word zxcvbn should treat as known to an attacker: each given word, its parts (an email's local
 * part and domain, a name's pieces), the same without spaces, the organisation's name and the portal's words.
 */
function guessableWords(words: string[], orgName: string | undefined): string[] {
  const all = new Set<string>();
  const add = (w: string) => {
    const word = w.trim().toLowerCase();
    if (word.length < 3) return;
    all.add(word);
    all.add(word.replace(/[\s._-]+/g, ''));
    for (const part of word.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) all.add(part);
  };
  for (const w of [...words, orgName ?? '', ...PORTAL_WORDS, ...MORE_PORTAL_WORDS]) add(w);
  return [...all];
}

// zxcvbn's score 4: about 10^10 guesses or more. Score 3 (10^8) let "Summer2024!!" through, a pattern
// that cracking tools try within minutes on a stolen hash file. See docs/decisions/0012.
const MIN_GUESSES_LOG10 = 10;

type Result = ReturnType<ZxcvbnFactory['check']>;

/** Why zxcvbn thinks a password is guessable, in words a member understands. */
function whyGuessable(password: string, result: Result): string {
  const parts = result.sequence as { pattern: string; dictionaryName?: string; regexName?: string }[];
  if (parts.some((p) => p.pattern === 'dictionary' && p.dictionaryName === 'userInputs')) {
    return "it is built from your name, username or email address, or this portal's or organisation's name";
  }
  if (result.feedback.warning) return result.feedback.warning.replace(/\.$/, '').toLowerCase();
  // zxcvbn may count "2024!!" as random characters, but people and cracking tools both reach for years.
  if (
    parts.some((p) => p.pattern === 'date' || p.regexName === 'recentYear') ||
    /(19|20)\d\d/.test(password)
  ) {
    return 'a word with a year or date added is among the first things guessed';
  }
  if (parts.some((p) => p.pattern === 'dictionary')) {
    return 'common words or names with a few digits or symbols added are among the first things guessed';
  }
  return 'it is short for the patterns it uses';
}

export const PASSWORD_MAX_LENGTH = 256;

/** A rule as the password forms list it: `length` and `personal` a page can check as typed. */
export type PasswordRuleText = { rule: 'length' | 'personal' | 'guessable'; text: string };

/**
 * The rules passwordProblem applies, in the words the forms list them (the same numbers: one source).
 * The last is zxcvbn's judgement, which only the server makes; the page says it is checked on saving.
 */
export const passwordRuleTexts = (rules: PasswordRules): PasswordRuleText[] => [
  { rule: 'length', text: `At least ${rules.passwordMinLength} characters (at most ${PASSWORD_MAX_LENGTH})` },
  {
    rule: 'personal',
    text: "Not built from your name, username or email address, or this portal's or organisation's name",
  },
  {
    rule: 'guessable',
    text: 'Hard to guess: not a common word or name with a year, digits or symbols added (checked when you save). A phrase of four or more unrelated words is easy to remember and hard to guess',
  },
];

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, rules: PasswordRules, words: string[]): string | null {
  if (password.length < rules.passwordMinLength) return `Use at least ${rules.passwordMinLength} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const result = zxcvbn().check(password, guessableWords(words, rules.orgName));
  if (result.guessesLog10 < MIN_GUESSES_LOG10) {
    return `This password is too easy to guess: ${whyGuessable(password, result)}. Try a longer phrase of four or more unrelated words.`;
  }
  return null;
}

/** Throws the field error for a password that may not be chosen. */
export function assertPasswordAcceptable(
  password: string,
  rules: PasswordRules,
  words: string[],
  field: string,
): void {
  const problem = passwordProblem(password, rules, words);
  if (problem) throw new AppError('validation', problem, field);
}
