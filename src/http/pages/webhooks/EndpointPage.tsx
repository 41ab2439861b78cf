import type { WebhookDeliveryRow } from '../../../domain/webhooks/webhookEndpointDetail.ts';
import type { WebhookEndpointRow } from '../../../domain/webhooks/webhookEndpointList.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { DeliveriesTable } from './DeliveriesTable.tsx';
import { eventWords } from './words.ts';

/** A button that POSTs to `action` with nothing but the CSRF token. */
const Action = (props: { csrfToken: string; action: string; label: string }) => (
  <form method="post" action={props.action} class="inline">
    <CsrfField token={props.csrfToken} />
    <button type="submit">{props.label}</button>
  </form>
);

/** One endpoint: what it receives, its switches, and its recent deliveries with their answers. */
export function EndpointPage(props: {
  ctx: PageContext;
  endpoint: WebhookEndpointRow;
  deliveries: WebhookDeliveryRow[];
  notice?: string;
}) {
  const { endpoint: e, ctx } = props;
  return (
    <AdminFrame
      ctx={ctx}
      title={`Webhook endpoint ${e.url}`}
      crumbs={[{ href: paths.webhooks, label: 'Webhooks' }]}
    >
      {props.notice && <Notice>{props.notice}</Notice>}
      <dl>
        <dt>Endpoint URL</dt>
        <dd>{e.url}</dd>
        <dt>Events</dt>
        <dd>{e.events.map(eventWords).join('; ')}</dd>
        {e.description && (
          <>
            <dt>Description</dt>
            <dd>{e.description}</dd>
          </>
        )}
        <dt>State</dt>
        <dd>{e.enabled ? 'Enabled' : 'Disabled: nothing is sent or queued for it'}</dd>
        <dt>Added</dt>
        <dd>
          {formatDateTime(e.createdAt)} by {e.createdByLabel}
        </dd>
      </dl>
      <div class="actions">
        {e.enabled ? (
          <Action csrfToken={ctx.csrfToken} action={paths.webhookDisable(e.id)} label="Disable" />
        ) : (
          <Action csrfToken={ctx.csrfToken} action={paths.webhookEnable(e.id)} label="Enable" />
        )}{' '}
        {e.enabled && (
          <Action csrfToken={ctx.csrfToken} action={paths.webhookTest(e.id)} label="Send test event" />
        )}{' '}
        <a href={paths.webhookRotate(e.id)}>Rotate secret</a> ·{' '}
        <a href={paths.webhookDelete(e.id)}>Delete endpoint</a>
      </div>
      <DeliveriesTable csrfToken={ctx.csrfToken} endpointId={e.id} deliveries={props.deliveries} />
    </AdminFrame>
  );
}
