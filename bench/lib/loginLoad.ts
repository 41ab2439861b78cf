/**
 * The login benchmark's load: autocannon (in this process, the server is a child) POSTing /login as fast
 * as `connections` keep-alive connections allow. Every POST is a different login from a different
 * address (X-Forwarded-For, the server trusts a proxy), so neither the per-address flood limit nor any
 * per-login throttle comes into play: what is measured is a successful password login, 303 and a session.
 */
import { createRequire } from 'node:module';

type AutocannonRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
type AutocannonResult = {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p97_5: number };
};
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: (AutocannonRequest & { setupRequest?: (r: AutocannonRequest) => AutocannonRequest })[];
}) => Promise<AutocannonResult>;
// autocannon ships no types; these are the few fields used.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A CSRF cookie and the form token issued with it (GET /login), valid for any number of POSTs. */
export async function csrfPair(baseUrl: string): Promise<{ cookie: string; token: string }> {
  const page = await fetch(`${baseUrl}/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no form token on /login');
  return { cookie, token };
}

/** A distinct address for the i-th request (10.0.0.0/8, 16M of them). */
export const addressOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

let sent = 0; // across runs, so a login and an address are never reused within a few seconds

/**
 * Logins per second (303 answers only) over `seconds`, with `connections` requests in flight; logs in as
 * user1…user<logins> in turn. Any other answer fails the run: a refused login would be measured as fast.
 */
export async function loginsPerSecond(
  baseUrl: string,
  options: { connections: number; seconds: number; logins: number; password: string },
): Promise<{ rate: number; p50: number; p97_5: number }> {
  const csrf = await csrfPair(baseUrl);
  const form = (username: string) =>
    new URLSearchParams({ _csrf: csrf.token, username, password: options.password }).toString();
  const headers = { cookie: csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' };
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    duration: options.seconds,
    // On a busy shared machine an answer can take seconds; only a hung server should fail the run.
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/login',
        setupRequest: (request) => {
          const i = sent++;
          return {
            ...request,
            headers: { ...headers, 'x-forwarded-for': addressOf(i) },
            body: form(`user${1 + (i % options.logins)}`),
          };
        },
      },
    ],
  });
  const { '303': ok, ...others } = result.statusCodeStats;
  if (Object.keys(others).length || result.errors || result.timeouts) {
    throw new Error(
      `unexpected answers: ${JSON.stringify(others)}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return { rate: (ok?.count ?? 0) / result.duration, p50: result.latency.p50, p97_5: result.latency.p97_5 };
}
