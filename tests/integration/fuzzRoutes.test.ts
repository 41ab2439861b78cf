import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { roles } from '../../src/db/schema.ts';
import { startSession } from '../../src/domain/auth/sessions.ts';
import { buildApiToken } from '../api.ts';
import { buildLogin, csrfFrom, mergeCookies } from '../factories.ts';
import { useTestApp } from '../harness.ts';

/**
 * Every route, GET and POST, as every role, with hostile values in the query, the body and the path:
 * none may answer 5xx. Routes come from the route table, so a new page is fuzzed without being listed.
 * A fixed part sends every value of the corpus (rotated over the field names, so each request carries
 * many); a seeded fast-check part adds random combinations.
 */
const app = useTestApp();

// Names the pages read from query strings and forms (and a few they do not), so values reach real code.
// biome-ignore format: a table
const NAMES = [
  'q', 'search', 'sort', 'dir', 'page', 'size', 'limit', 'position', 'newer', 'older', 'cursor', 'after',
  'before', 'from', 'to', 'since', 'sentBefore', 'lastLoginAfter', 'lastLoginBefore', 'within', 'status',
  'state', 'kind', 'login', 'role', 'id', 'memberId', 'roundId', 'clearId', 'g', 'k', 'set', 'next',
  'username', 'password', 'currentPassword', 'newPassword', 'email', 'firstName', 'lastName', 'identifier',
  'code', 'token', 'confirmation', 'everyDays', 'maxPerMember', 'enabled', 'validRowsOnly', 'includeAdmins',
  'deliveryFailed', 'invited', 'loggedOut', 'added', 'skipped', 'action', 'actor', 'remember', 'actorId',
];

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Values that pass the input guard and must be refused (or ignored) by the pages themselves. */
// biome-ignore format: a table
const PASSING = [
  '-1', '0', '-99999999999999999999', '99999999999999999999999', '1e308', 'NaN', 'Infinity', '1.5', '',
  '%20', 'true', '2026-13-45', '2026-02-30', '0000-00-00', '275760-09-14', '99999-01-01T00:00:00Z',
  '9999-99-99T99%3A99%3A99.000000Z_1', '2026-01-15T09%3A00%3A00.000000Z_99999999999999999999',
  '2026-01-15T09%3A00%3A00.000000Z_999999999999999', '0000-01-01T00%3A00%3A00.000000Z_1', 'not-a-cursor',
  cursor(['9999-99-99T99:99:99.000000Z', 1]), cursor(['2026-02-30T00:00:00.000000Z', 1]), cursor(['x', 1e300]),
  cursor({ s: 'name', d: 'asc', g: 0, k: ['2026-13-01T00:00:00+99:00', 1] }), cursor({ s: 'name', d: 'asc', g: 99, k: [] }),
  '%7B%22a%22%3A1%7D', '..%2F..%2F', '%27%3B%20drop%20table%20members%3B--', '%2F%5C%2Fevil.example',
  'javascript%3Aalert(1)', '%FF', '%C0%AF', '%', '%zz', '%E2%82', '%F0%9F%98',
];
/** Values the input guard refuses: NUL bytes, unpaired surrogates (no UTF-8 form), in text or a cursor. */
const REFUSED = [
  '%00',
  'a%00b',
  cursor(['a\u0000', 1]),
  cursor({ s: 'name', d: 'asc', g: 0, k: ['\u0000', 1] }),
];
const HUGE = 'x'.repeat(100_000);
const BAD_JSON: unknown[] = [
  123,
  -1,
  1e308,
  true,
  null,
  {},
  { a: 1 },
  [],
  ['a', 'b'],
  [{}],
  'a\u0000b',
  '\ud800',
];
const BAD_PARAMS = ['%00', 'abc', '-1', '0', '1.5', '99999999999999999999', '%FF', 'x'.repeat(300), '..'];

type Case = {
  /** Name → already percent-encoded value, sent in the query (GET, or shape 'query') or a form body. */
  fields: [string, string][];
  json?: Record<string, unknown>;
  shape: 'query' | 'form' | 'json';
  param: string;
};

const rotated = (values: readonly string[], k: number): [string, string][] =>
  NAMES.map((n, i) => [n, values[(i + k * 3) % values.length]!]);

const fixedCases: Case[] = [
  ...Array.from({ length: 12 }, (_, k) => ({
    fields: rotated(PASSING, k),
    shape: 'form' as const,
    param: BAD_PARAMS[k % BAD_PARAMS.length]!,
  })),
  ...REFUSED.map((v, k) => ({ fields: rotated([v], 0), shape: 'form' as const, param: BAD_PARAMS[k]! })),
  {
    fields: NAMES.flatMap(
      (n) =>
        [
          [n, 'a'],
          [n, 'b'],
        ] as [string, string][],
    ),
    shape: 'form',
    param: '1',
  },
  { fields: ['q', 'search', 'username', 'next', 'email'].map((n) => [n, HUGE]), shape: 'form', param: '1' },
  ...[0, 1, 2].map((k) => ({
    fields: [],
    json: Object.fromEntries(NAMES.map((n, i) => [n, BAD_JSON[(i + k * 5) % BAD_JSON.length]])),
    shape: 'json' as const,
    param: '1',
  })),
];

const randomCase: fc.Arbitrary<Case> = fc
  .record({
    names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 6 }),
    value: fc.constantFrom(...PASSING, ...REFUSED),
    repeat: fc.boolean(),
    shape: fc.constantFrom('query' as const, 'form' as const),
    param: fc.constantFrom(...BAD_PARAMS),
  })
  .map(({ names, value, repeat, shape, param }) => ({
    fields: names.flatMap(
      (n) =>
        (repeat
          ? [
              [n, value],
              [n, `${value}x`],
            ]
          : [[n, value]]) as [string, string][],
    ),
    shape,
    param,
  }));

const encoded = (fields: [string, string][]) => fields.map(([n, v]) => `${n}=${v}`).join('&');

/** A fresh session for the account (none when anonymous) and a CSRF token a page just issued for it. */
async function visitor(server: FastifyInstance, accountId: number | null) {
  let cookie = '';
  if (accountId !== null) {
    const token = await startSession(app.deps.db, app.deps, accountId, {
      ip: '127.0.0.1',
      userAgent: 'fuzz',
    });
    cookie = `${app.config.secureCookies ? '__Host-' : ''}gh_session=${token}`;
  }
  const page = await server.inject({ url: accountId === null ? '/login' : '/home', headers: { cookie } });
  return { cookie: mergeCookies(cookie, page), csrf: csrfFrom(page.body) };
}

type Visitor = Awaited<ReturnType<typeof visitor>>;
type Route = { method: string; url: string };
let sent = 0;

/** One request of `route` carrying `a`: its status, and a short description for the failure list. */
async function send(server: FastifyInstance, route: Route, who: Visitor, a: Case) {
  const path = route.url.replace(/:[A-Za-z]+/g, a.param);
  const post = route.method !== 'GET';
  const query = !post || a.shape === 'query' ? encoded(a.fields) : '';
  const url = query ? `${path}?${query}` : path;
  const headers: Record<string, string> = { cookie: who.cookie };
  // JSON API routes take a token with every scope instead, so the hostile input reaches their schemas.
  if (path.startsWith('/api/v1/')) headers.authorization = `Bearer ${apiToken}`;
  let payload: string | undefined;
  if (post && a.shape === 'json') {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify({ _csrf: who.csrf, ...a.json });
  } else if (post) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const csrf: [string, string] = ['_csrf', encodeURIComponent(who.csrf)];
    payload = encoded([csrf, ...(a.shape === 'form' ? a.fields : [])]);
  }
  // A new client address each time, so that flood limits and throttles do not stand in for the pages.
  sent += 1;
  const remoteAddress = `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`;
  const method = route.method as 'GET' | 'POST' | 'PUT';
  const res = await server.inject({ method, url, headers, payload, remoteAddress });
  return {
    status: res.statusCode,
    shown: `${route.method} ${url.slice(0, 120)} ${(payload ?? '').slice(0, 120)}`,
  };
}

let apiToken = '';

describe('no route answers 5xx to hostile input', () => {
  for (const role of ['anonymous', ...roles] as const) {
    it(`as ${role}`, { timeout: 120_000 }, async () => {
      const server = await app.server();
      apiToken = await buildApiToken(app);
      const accountId = role === 'anonymous' ? null : (await buildLogin(app, { role })).accountId;
      const failures: string[] = [];
      const seen = new Map<number, number>();
      const check = async (route: Route, who: Visitor, a: Case) => {
        const { status, shown } = await send(server, route, who, a);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${status} ${shown}`);
        return status < 500;
      };
      for (const route of server.accessTable) {
        // A fresh session per route: a route may end it (Log out) or change the password.
        const who = await visitor(server, accountId);
        for (const a of fixedCases) {
          if (route.method !== 'GET' || a.shape !== 'json') await check(route, who, a);
        }
        const run = await fc.check(
          fc.asyncProperty(randomCase, (a) => check(route, who, a)),
          { seed: 20260115, numRuns: 3, endOnFailure: true },
        );
        // A request that threw (rather than answering 5xx) is a failure too.
        if (run.failed && run.errorInstance)
          failures.push(`${route.method} ${route.url}: ${run.errorInstance}`);
      }
      expect(failures).toEqual([]);
      // The corpus must reach the pages: signed-in roles get both pages and field errors, not only refusals.
      if (role !== 'anonymous') expect([seen.get(200), seen.get(400)]).not.toContain(undefined);
    });
  }
});
