import { LONGEST_WINDOW_MS, type ThrottleRule } from './throttle.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type RuleKind = { limit: number; windowMs: number; onSuccess: ThrottleRule['onSuccess']; why: string };

/**
 * Every throttle of the portal in one table: each check of a secret (and each request that sends mail)
 * is counted against some of these before anything is checked (throttle.ts `withThrottle`). Windows must
 * fit within LONGEST_WINDOW_MS, which housekeeping keeps counters for: start-up refuses a table where one
 * does not (checkThrottleRules). All of them count in the one table `login_throttle` (throttle.ts).
 * Decision 0009 explains the login scheme.
 */
export const THROTTLE_RULES = {
  // Login. Guesses at one login from one address: the owner mistyping versus a script. Only this one
  // locks a login, and only at that address, so nobody elsewhere can lock the owner out with it.
  'login-pair': {
    limit: 5,
    windowMs: 15 * MINUTE,
    onSuccess: 'clear',
    why: 'guesses at one login from one address',
  },
  // Guesses at one login from every address together: distributed guessing stays bounded.
  login: { limit: 50, windowMs: HOUR, onSuccess: 'refund', why: 'guesses at one login from all addresses' },
  // One address guessing across many logins (password spraying).
  'login-ip': {
    limit: 30,
    windowMs: 15 * MINUTE,
    onSuccess: 'refund',
    why: 'failed logins from one address',
  },
  // The second step at sign-in (/login/verify: an authenticator or recovery code), counted per login
  // (its account id) with the same numbers as password guesses: a six-digit code falls to guessing as
  // fast as a weak password would.
  'second-pair': {
    limit: 5,
    windowMs: 15 * MINUTE,
    onSuccess: 'clear',
    why: 'second-step guesses at one login from one address',
  },
  second: { limit: 50, windowMs: HOUR, onSuccess: 'refund', why: 'second-step guesses at one login' },
  'second-ip': {
    limit: 30,
    windowMs: 15 * MINUTE,
    onSuccess: 'refund',
    why: 'failed second steps from one address',
  },
  // The signed-in person's own password, asked again (Change password, Clear All Usernames): a stolen
  // session must not get unlimited guesses.
  reauth: { limit: 5, windowMs: 15 * MINUTE, onSuccess: 'refund', why: 'own password re-entered' },
  // The typed invitation code (≈40 bits) with an email address or member number.
  'code-ip': { limit: 20, windowMs: 15 * MINUTE, onSuccess: 'refund', why: 'typed codes from one address' },
  'code-id': { limit: 5, windowMs: 15 * MINUTE, onSuccess: 'clear', why: 'typed codes for one identifier' },
  // "Email me a fresh link": requests, not guesses.
  'fresh-ip': { limit: 10, windowMs: HOUR, onSuccess: 'keep', why: 'fresh-link requests from one address' },
  'fresh-member': { limit: 1, windowMs: HOUR, onSuccess: 'keep', why: 'fresh links per member' },
  // "Forgot password?" / "Forgot username?": requests that send mail.
  'forgot-ip': { limit: 20, windowMs: HOUR, onSuccess: 'keep', why: 'forgot requests from one address' },
  'forgot-target': {
    limit: 5,
    windowMs: HOUR,
    onSuccess: 'keep',
    why: 'forgot requests for one typed value',
  },
  'forgot-login': { limit: 3, windowMs: HOUR, onSuccess: 'keep', why: 'forgot emails per login' },
} as const satisfies Record<string, RuleKind>;

export type RuleName = keyof typeof THROTTLE_RULES;

/**
 * The rule `name` for the given key parts (a login, an address, a page…). Parts are URI-encoded so that
 * whatever someone typed cannot make one key look like another's (the separator is `|`).
 */
export function throttleRule(name: RuleName, ...parts: (string | number | null)[]): ThrottleRule {
  const { limit, windowMs, onSuccess } = THROTTLE_RULES[name];
  const key = `${name}:${parts.map((p) => encodeURIComponent(String(p ?? 'unknown'))).join('|')}`;
  return { key, limit, windowMs, onSuccess };
}

/** The key prefix under which every `name` counter for `firstPart` lives (e.g. a login's pairs). */
export const throttleKeyPrefix = (name: RuleName, firstPart: string) =>
  `${name}:${encodeURIComponent(firstPart)}|`;

/**
 * Refuses to start with a rule housekeeping would cut short: a counter purged while its window is still
 * open would forget attempts and admit more than the rule's limit. Also a window or a limit that admits
 * nothing. Throws one message naming every faulty rule; called by createApp before anything else.
 */
export function checkThrottleRules(
  rules: Readonly<Record<string, Pick<RuleKind, 'limit' | 'windowMs'>>> = THROTTLE_RULES,
  keptMs: number = LONGEST_WINDOW_MS,
): void {
  const faults: string[] = [];
  for (const [name, { limit, windowMs }] of Object.entries(rules)) {
    if (!(Number.isInteger(limit) && limit >= 1)) faults.push(`"${name}" has limit ${limit} (at least 1)`);
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      faults.push(`"${name}" has window ${windowMs} ms (more than 0)`);
    } else if (windowMs > keptMs) {
      faults.push(
        `"${name}" has a ${windowMs / MINUTE}-minute window, longer than the ${keptMs / MINUTE} minutes housekeeping keeps throttle counters (LONGEST_WINDOW_MS in throttle.ts)`,
      );
    }
  }
  if (faults.length) {
    throw new Error(
      `The throttle rule table (src/domain/auth/throttleRules.ts) is wrong: ${faults.join('; ')}.`,
    );
  }
}
