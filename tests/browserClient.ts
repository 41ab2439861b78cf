import { appKey, nextCode, setUpApp } from './authenticatorApps.ts';

/**
 * A browser-like HTTP client for a portal running in another process (tests/portalClient.ts, bench/chaos):
 * it keeps cookies and submits a form with the hidden fields of the page the form is on. No vitest here,
 * so benches can use it too.
 */
export function browser(baseUrl: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return res;
  };
  const get = async (path: string) =>
    keep(await fetch(baseUrl + path, { headers: { cookie: cookie() }, redirect: 'manual' }));
  /**
   * Opens `formPage`, then submits the form that posts to `path` with `form` and the form's hidden fields
   * (the CSRF token, and whatever else the page puts there), as a browser would.
   */
  const post = async (path: string, form: Record<string, string>, formPage: string) => {
    const page = await (await get(formPage)).text();
    const start = page.indexOf(`action="${path}"`);
    const html = start < 0 ? page : page.slice(start, page.indexOf('</form>', start));
    const hidden: Record<string, string> = {};
    for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(input[0])?.[1];
      if (name) hidden[name] = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    }
    if (!hidden._csrf) throw new Error(`no CSRF token on ${formPage}`);
    return keep(
      await fetch(baseUrl + path, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...hidden, ...form }),
      }),
    );
  };
  /** Sets up the authenticator app a forced set-up asks for (a Security Administrator's first login). */
  const setUpAuthenticator = async (key: string, formPage: string) => {
    const shown = /id="secret-key">([A-Z2-7 ]+)</.exec(await (await get(formPage)).text())?.[1];
    if (!shown) throw new Error(`no authenticator key on ${formPage}`);
    const res = await post('/home/security/authenticator', { code: await setUpApp(key, shown) }, formPage);
    if (res.status !== 200) throw new Error(`authenticator set-up answered ${res.status}`);
  };
  return {
    get,
    post,
    /**
     * Logs in as a person would: the password, then the second step when the login has one (a code from
     * the app this client set up), or the forced set-up of one when the login must have one.
     */
    async logIn(username: string, password: string) {
      const key = appKey(baseUrl, username);
      const res = await post('/login', { username, password }, '/login');
      if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`);
      const location = res.headers.get('location') ?? '';
      if (location.startsWith('/login/verify')) {
        const verified = await post('/login/verify', { code: await nextCode(key) }, location);
        if (verified.status !== 303)
          throw new Error(`second step of ${username} answered ${verified.status}`);
        return;
      }
      const landing = await get(location);
      const to = landing.headers.get('location') ?? '';
      if (landing.status === 303 && to.startsWith('/home/security')) await setUpAuthenticator(key, to);
    },
  };
}
