import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { completeSetup, expect, test } from './fixtures.ts';

/** axe (WCAG 2.1 AA) on the page as it is now: the API tokens pages are not in accessibility.spec's list yet. */
async function noAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('a Security Administrator creates an API token, copies it, uses it and revokes it', async ({
  page,
  portal,
  context,
  request,
}) => {
  await completeSetup(page, portal);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
  await expect(page.getByText('There are no API tokens yet')).toBeVisible();

  // A refusal first: what was typed stays, the field says what is wrong.
  await page.getByLabel('Name').fill('Browser sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose at least one scope.');
  await expect(page.getByLabel('Name')).toHaveValue('Browser sync');
  await noAxeViolations(page);

  await page.getByLabel('roster:read').check();
  await expect(page.getByLabel('Expires after (days)')).toHaveValue('90');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API token created' })).toBeVisible();
  await expect(page.getByText('It will not be shown again')).toBeVisible();
  await noAxeViolations(page);

  // Copied as a person copies it: into the field, select all, copy; then read from the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.baseUrl });
  const field = page.getByLabel('API token');
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+C');
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toMatch(/^gh_[\w-]{40,}$/);
  expect(token).toBe(await field.inputValue());
  await expect(page.getByText(`Bearer ${token}`)).toBeVisible();

  const api = (bearer: string) =>
    request.get(`${portal.baseUrl}/api/v1/token`, { headers: { authorization: `Bearer ${bearer}` } });
  const me = await api(token);
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ name: 'Browser sync', scopes: ['roster:read'] });

  await page.getByRole('link', { name: 'Back to API tokens' }).click();
  const row = page.getByRole('row', { name: /Browser sync/ });
  await expect(row).toContainText(token.slice(0, 10));
  await expect(row).toContainText('Active');
  expect(await page.content()).not.toContain(token);

  await row.getByRole('link', { name: 'Revoke' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Revoke API token “Browser sync”' }),
  ).toBeVisible();
  await noAxeViolations(page);
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('status')).toContainText('Token revoked');
  await expect(page.getByRole('row', { name: /Browser sync/ })).toContainText('Revoked');
  await expect(
    page.getByRole('row', { name: /Browser sync/ }).getByRole('link', { name: 'Revoke' }),
  ).toHaveCount(0);

  const refused = await api(token);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('unauthenticated');
});
