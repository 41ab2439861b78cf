import { AxeBuilder } from '@axe-core/playwright';
import { startWebhookReceiver } from '../integration/webhooksReceiver.ts';
import { completeSetup, expect, test } from './fixtures.ts';

test('a Security Administrator adds a webhook endpoint, copies its secret once, and sees a test delivery arrive', async ({
  page,
  portal,
}) => {
  const receiver = await startWebhookReceiver();
  receiver.state.answer = { status: 200, delayMs: 0, hang: false, body: 'thanks' };
  try {
    await completeSetup(page, portal);

    await test.step('Admin › Webhooks starts empty', async () => {
      await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
      await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
      await expect(page.getByText('No endpoints yet.')).toBeVisible();
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });

    await test.step('an endpoint with no event is refused next to Events', async () => {
      await page.getByLabel('Endpoint URL').fill(receiver.url);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect(page.getByRole('alert')).toContainText('Choose at least one event.');
      await expect(page.getByLabel('Endpoint URL')).toHaveValue(receiver.url);
    });

    await test.step('added: the signing secret is shown once', async () => {
      await page.getByLabel('A member created a login').check();
      await page.getByLabel('Description').fill('Membership database');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect(page.getByRole('heading', { name: 'Webhook endpoint added', level: 1 })).toBeVisible();
      const secret = await page.getByLabel('Signing secret').inputValue();
      expect(secret).toMatch(/^whsec_/);
      receiver.state.secret = secret;
      await page.getByRole('link', { name: 'Go to the endpoint' }).click();
      await expect(page.getByText('No deliveries yet.')).toBeVisible();
      expect(await page.content()).not.toContain(secret);
    });

    await test.step('Send test event: the delivery and the receiver’s answer appear', async () => {
      await page.getByRole('button', { name: 'Send test event' }).click();
      await expect(page.getByRole('status')).toContainText('Test event queued');
      await expect(async () => {
        await page.reload();
        await expect(page.getByRole('table', { name: 'Recent deliveries' })).toContainText('Delivered', {
          timeout: 1000,
        });
      }).toPass({ timeout: 20_000 });
      await expect(page.getByRole('table', { name: 'Recent deliveries' })).toContainText('Answered 200');
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]).toMatchObject({
        type: 'webhook.test',
        verified: true,
        verifiedByLibrary: true,
      });
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });
  } finally {
    await receiver.close();
  }
});
