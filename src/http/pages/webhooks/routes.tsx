import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { id } from '../../../domain/input.ts';
import {
  changeWebhookEndpoint,
  type EndpointChange,
} from '../../../domain/webhooks/changeWebhookEndpoint.ts';
import { createWebhookEndpoint } from '../../../domain/webhooks/createWebhookEndpoint.ts';
import { retryWebhookDelivery } from '../../../domain/webhooks/retryWebhookDelivery.ts';
import { sendTestWebhook } from '../../../domain/webhooks/sendTestWebhook.ts';
import { webhookEndpointDetail } from '../../../domain/webhooks/webhookEndpointDetail.ts';
import { listWebhookEndpoints } from '../../../domain/webhooks/webhookEndpointList.ts';
import { createWebhookEndpointInput } from '../../../domain/webhooks/webhookInput.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, type RouteKit, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { addFields } from './AddEndpointForm.tsx';
import { ConfirmPage } from './ConfirmPage.tsx';
import { EndpointPage } from './EndpointPage.tsx';
import { SecretPage } from './SecretPage.tsx';
import { WebhooksPage } from './WebhooksPage.tsx';

const access = 'webhooks.manage';
type Endpoint = { endpointId: number };
const params = z.object({ endpointId: id('webhook endpoint') });
const notices = {
  deleted: 'Endpoint deleted.',
  enabled: 'Endpoint enabled: new events are sent to it, and what waited goes out now.',
  disabled: 'Endpoint disabled: nothing is sent or queued for it until it is enabled again.',
  test: 'Test event queued: it appears below within a few seconds (reload the page).',
  retried: 'Delivery queued again: it goes out within a few seconds (reload the page).',
} as const;
const query = z.object({
  done: z
    .enum(Object.keys(notices) as [keyof typeof notices])
    .optional()
    .catch(undefined),
});
const noticeOf = (q?: { done?: keyof typeof notices }) => (q?.done ? notices[q.done] : undefined);

async function listView(r: Req<unknown>, shown: { notice?: string; refused?: Refusal }) {
  const endpoints = await listWebhookEndpoints(r.deps, r.actor);
  const values = shown.refused?.values ?? {};
  return (
    <WebhooksPage
      ctx={r.ctx()}
      endpoints={endpoints}
      values={values}
      errors={shown.refused?.errors}
      notice={shown.notice}
    />
  );
}

/** Enable, disable and Send test event: one POST each, back to the endpoint with a notice. */
function switchRoutes(form: RouteKit['form']) {
  const switches = [
    [paths.webhookEnable, 'enable', 'enabled'],
    [paths.webhookDisable, 'disable', 'disabled'],
  ] as const;
  for (const [path, action, done] of switches) {
    form({
      path: path(':endpointId'),
      access,
      params,
      run: (r: Req<Endpoint>) =>
        changeWebhookEndpoint(r.deps, r.actor, { endpointId: r.params.endpointId, action }),
      done: (r) => withQuery(paths.webhookEndpoint(r.params.endpointId), { done }),
    });
  }
  form({
    path: paths.webhookTest(':endpointId'),
    access,
    params,
    run: (r: Req<Endpoint>) => sendTestWebhook(r.deps, r.actor, r.params),
    done: (r) => withQuery(paths.webhookEndpoint(r.params.endpointId), { done: 'test' }),
  });
  form({
    path: paths.webhookRetry(':endpointId', ':deliveryId'),
    access,
    params: params.extend({ deliveryId: id('delivery') }),
    run: (r) => retryWebhookDelivery(r.deps, r.actor, r.params),
    done: (r) => withQuery(paths.webhookEndpoint(r.params.endpointId), { done: 'retried' }),
  });
}

/** Delete and Rotate secret ask first on a page of their own. */
function confirmedRoutes(kit: RouteKit) {
  for (const ask of ['delete', 'rotate'] as const) {
    const path = (ask === 'delete' ? paths.webhookDelete : paths.webhookRotate)(':endpointId');
    kit.page({
      path,
      access,
      params,
      view: async (r: Req<Endpoint>) => {
        const { endpoint } = await webhookEndpointDetail(r.deps, r.actor, r.params.endpointId);
        return <ConfirmPage ctx={r.ctx()} endpoint={endpoint} ask={ask} />;
      },
    });
    kit.form({
      path,
      access,
      params,
      run: (r: Req<Endpoint>) =>
        changeWebhookEndpoint(r.deps, r.actor, {
          endpointId: r.params.endpointId,
          action: ask,
        } satisfies EndpointChange),
      done: (r, changed) => {
        if (!changed.secret) return withQuery(paths.webhooks, { done: 'deleted' });
        r.reply.header('referrer-policy', 'no-referrer');
        return (
          <SecretPage
            ctx={r.ctx()}
            endpointId={changed.endpointId}
            url={changed.url}
            secret={changed.secret}
            rotated
          />
        );
      },
    });
  }
}

/** Admin › Webhooks (Security Administrators): endpoints, their secrets (shown once) and deliveries. */
export function registerWebhooksRoutes(server: FastifyInstance, app: App): void {
  const kit = routeKit(server, app);
  kit.page({
    path: paths.webhooks,
    access,
    query,
    fields: addFields,
    view: (r, s) => listView(r, { notice: noticeOf(s.query), refused: s.refused }),
  });
  kit.form({
    path: paths.webhooks,
    access,
    fields: addFields,
    body: createWebhookEndpointInput,
    stepUp: true,
    run: (r, input) => createWebhookEndpoint(r.deps, r.actor, input),
    done: (r, created) => {
      r.reply.header('referrer-policy', 'no-referrer');
      return (
        <SecretPage
          ctx={r.ctx()}
          endpointId={created.id}
          url={created.url}
          secret={created.secret}
          rotated={false}
        />
      );
    },
    view: (r, refused) => listView(r, { refused }),
  });
  kit.page({
    path: paths.webhookEndpoint(':endpointId'),
    access,
    params,
    query,
    view: async (r: Req<Endpoint>, s) => {
      const detail = await webhookEndpointDetail(r.deps, r.actor, r.params.endpointId);
      return <EndpointPage ctx={r.ctx()} {...detail} notice={noticeOf(s.query)} />;
    },
  });
  switchRoutes(kit.form);
  confirmedRoutes(kit);
}
