import { completeSetup, expect, test } from './fixtures.ts';

test('a Security Administrator switches on automatic reminder rounds, fixes a refused value, pauses and resumes', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);
  await page.goto('/admin/settings/reminder-rounds');
  await expect(page.getByRole('heading', { name: 'Reminder Rounds', level: 1 })).toBeVisible();
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status).toContainText('Automatic reminder rounds are off');
  await expect(status).toContainText('0 members would get a reminder if a round ran now');
  await expect(page.getByText('No reminder round has run yet.')).toBeVisible();

  await test.step('a value out of range is refused next to its field and kept for correcting', async () => {
    await page.getByRole('group', { name: 'Automatic reminder rounds' }).getByLabel('On').check();
    await page.getByLabel('Every', { exact: true }).fill('120');
    await page.getByLabel('At most', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('alert')).toContainText('from 1 to 90');
    await expect(page.getByLabel('Every', { exact: true })).toHaveValue('120');
    await expect(page.getByLabel('Every', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('At most', { exact: true })).toHaveValue('2');
    await expect(page.getByLabel('On')).toBeChecked();
  });

  await test.step('a valid value is saved and the next round is announced', async () => {
    await page.getByLabel('Every', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Reminder settings saved.');
    await expect(status).toContainText('are on: every 10 days, at most 2 reminders per member');
    await expect(status).toContainText('Next round:');
  });

  await test.step('Pause holds the rounds; Resume lets them run again', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(status).toContainText('are paused');
    await expect(status).toContainText('No round is scheduled');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByRole('status')).toContainText('running again');
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  });
});
