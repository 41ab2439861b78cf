import { rm, writeFile } from 'node:fs/promises';
import { completeSetup, expect, test } from './fixtures.ts';

// Issue 12 item 8: a roster as Excel's plain "CSV" saves it in Europe, semicolons and Windows-1252.
const ROSTER = [
  'Member Number;First Name;Last Name;Email;Status',
  'M-4001;Zoë;Ångström;zoe.angstrom@example.org;current',
  'M-4002;François;"Œhlschläger; O’Brien";francois@example.org;',
];

// Windows-1252 bytes: Latin-1 for é, ö, Å…, and the two characters of the 0x80–0x9f range used above.
const CP1252_HIGH: Record<string, number> = { Œ: 0x8c, '’': 0x92 };
const windows1252 = (text: string) => Buffer.from([...text].map((c) => CP1252_HIGH[c] ?? c.codePointAt(0)!));

test('Import members: a semicolon Windows-1252 file from Excel is read, said so, and imported with its accents', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);

  await test.step('the file is uploaded through the page and the preview says how it was read', async () => {
    await page.goto('/admin/member-management/import');
    await page.getByLabel('Roster file (CSV)').setInputFiles({
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: windows1252(`${ROSTER.join('\r\n')}\r\n`),
    });
    await page.getByRole('button', { name: 'Preview import' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Check the import' })).toBeVisible();
    const read = page.getByRole('region', { name: 'How the file was read' });
    await expect(read.getByRole('definition').first()).toHaveText(/^Windows-1252/);
    await expect(read.getByRole('definition').nth(1)).toHaveText('semicolons (;)');
    await expect(page.getByRole('list', { name: 'What the import would do' })).toContainText('2 To be added');
  });

  await test.step('the import is applied', async () => {
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect(page.getByText('Imported: 2 added, 0 updated, 0 unchanged.')).toBeVisible();
  });

  await test.step('the members are on the roster with their accents intact', async () => {
    await page.goto('/admin/member-management/invitation-codes');
    const zoe = page.getByRole('row').filter({ hasText: 'zoe.angstrom@example.org' });
    await expect(zoe).toContainText('Zoë');
    await expect(zoe).toContainText('Ångström');
    const francois = page.getByRole('row').filter({ hasText: 'francois@example.org' });
    await expect(francois).toContainText('François');
    await expect(francois).toContainText('Œhlschläger; O’Brien');
  });
});

test('Import members: a file over the upload limit gets a page naming the limit, with a way back', async ({
  page,
  portal,
}, testInfo) => {
  await completeSetup(page, portal);
  // Just over the default limit of 100 MB; written to disk, as a browser reads a chosen file.
  const big = testInfo.outputPath('too-large.csv');
  await writeFile(big, Buffer.alloc(100 * 1024 * 1024 + 1, 'a'));
  await page.goto('/admin/member-management/import');
  await page.getByLabel('Roster file (CSV)').setInputFiles(big);
  await page.getByRole('button', { name: 'Preview import' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'File too large' })).toBeVisible();
  await rm(big);
  await expect(page.getByRole('alert')).toContainText('larger than the limit of 100 MB');
  await page.getByRole('link', { name: 'Back to Import members' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import members' })).toBeVisible();
});
