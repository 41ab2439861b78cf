import { completeSetup, expect, test } from './fixtures.ts';

const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-3001,Grace,Hopper,grace.hopper@example.org,current',
  'M-3002,Alan,Turing,alan.turing@example.org,current',
  'M-3003,Edsger,Dijkstra,edsger.dijkstra@example.org,lapsed',
].join('\n');

test('the admin home shows the portal at a glance, and the Invitation Rounds report its rounds', async ({
  page,
  portal,
}) => {
  // The pages must work without JavaScript and within the Content-Security-Policy: no violation allowed.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  await completeSetup(page, portal);

  await test.step('an empty portal points to Import, and the navigation is all there', async () => {
    await page.goto('/admin');
    await expect(page.getByText('No members have been imported yet.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Import your roster' })).toBeVisible();
    for (const name of [
      'Member Management',
      'Invitation Codes',
      'Member Search',
      'Query Tool',
      'Reminder Rounds',
    ]) {
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
    }
  });

  await test.step('import three members and Send All to them', async () => {
    await page.getByRole('link', { name: 'Import your roster' }).click();
    await page.getByLabel('Roster file (CSV)').setInputFiles({
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${ROSTER}\n`, 'utf8'),
    });
    await page.getByRole('button', { name: 'Preview import' }).click();
    await page.getByRole('button', { name: 'Apply import' }).click();
    // Lapsed members too (Send All asks for current members only unless told otherwise).
    await page.goto('/admin/member-management/invitation-codes/send-all');
    await page.getByLabel('Include lapsed members').check();
    await page.getByRole('button', { name: 'Update the count' }).click();
    await page.getByRole('button', { name: 'Send 3 invitations' }).click();
  });

  await test.step('the dashboard counts members, logins and the last round', async () => {
    // The worker delivers in the background; the dashboard shows the state as of the page load.
    await expect(async () => {
      await page.goto('/admin');
      await expect(
        page.getByText(/3 kept in the Email Log \(no mail server was set up, so not sent\), 0 failed/),
      ).toBeVisible({
        timeout: 1_000,
      });
    }).toPass({ timeout: 20_000 });
    // Ada's own record (made up at setup: she is not on this roster) is not counted.
    await expect(page.getByText('0 of 2 current members have a portal login (0%)')).toBeVisible();
    await expect(page.getByText(/Last round: Send All to 3 members, started .* by Ada Okafor/)).toBeVisible();
    const chart = page.getByRole('img', { name: 'Onboarding progress' });
    await expect(chart).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('admin-dashboard.png'), fullPage: true });
  });

  await test.step('the report lists the round and draws its response curve with a data table', async () => {
    await page.getByRole('link', { name: 'See every invitation round' }).click();
    await expect(page.getByRole('heading', { name: 'Invitation Rounds', level: 1 })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: 'Send All' });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('cell')).toHaveText([
      'Send All',
      'Ada Okafor',
      /UTC$/,
      /UTC$/,
      '3',
      '3',
      '0',
      '0',
      '0',
      '0 (0%)',
    ]);
    const curve = page.getByRole('img', { name: 'Logins created after recent Send All and reminder rounds' });
    await expect(curve).toBeVisible();
    await page.getByText('Show the numbers as a table').click();
    await expect(page.getByRole('table', { name: /^Send All #\d+/ })).toBeVisible();
    await page.getByRole('link', { name: 'Single sends' }).click();
    await expect(page.getByText('There is no round of this kind yet.')).toBeVisible();
    await page.goto('/admin/query-tool/invitation-rounds');
    await page.screenshot({ path: test.info().outputPath('invitation-rounds.png'), fullPage: true });
  });

  expect(violations).toEqual([]);
});
