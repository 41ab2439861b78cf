import { totpCode } from '../src/domain/twoStep/totp.ts';

/**
 * The "phone" of the tests that drive a portal in another process (tests/browserClient.ts, the browser
 * tests' fixtures): the authenticator apps they set up, per portal and username, with the last 30-second
 * step each typed. A portal takes each code once and accepts the next step's code a step early, so a
 * second login within one step types the next step's code, and a third waits for the clock.
 */
const STEP_MS = 30_000;
const apps = new Map<string, { secret: string; lastStep: number }>();

/** The key of one login on one portal. */
export const appKey = (baseUrl: string, username: string) =>
  `${new URL(baseUrl).origin}|${username.toLowerCase()}`;

export const hasApp = (key: string) => apps.has(key);

/** The code an app would show for a step no code was typed for yet, waiting for one if need be. */
async function codeOf(app: { secret: string; lastStep: number }): Promise<string> {
  const now = Math.floor(Date.now() / STEP_MS);
  const step = Math.max(now, app.lastStep + 1);
  if (step > now + 1)
    await new Promise((resolve) => setTimeout(resolve, (step - 1) * STEP_MS - Date.now() + 50));
  app.lastStep = step;
  return totpCode(app.secret, new Date(step * STEP_MS));
}

/** Remembers a newly set-up app (its key as the page shows it) and returns the code that confirms it. */
export function setUpApp(key: string, shownKey: string): Promise<string> {
  const app = { secret: shownKey.replace(/\s/g, ''), lastStep: 0 };
  apps.set(key, app);
  return codeOf(app);
}

/** The next code of a login's app. */
export function nextCode(key: string): Promise<string> {
  const app = apps.get(key);
  if (!app) throw new Error(`no authenticator app was set up for ${key}`);
  return codeOf(app);
}
