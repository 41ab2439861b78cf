import type { WebhookEndpointRow } from '../../../domain/webhooks/webhookEndpointList.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

const asks = {
  delete: {
    title: 'Delete webhook endpoint',
    what: 'No more events are sent to it, and its deliveries and their answers are deleted with it. This cannot be undone.',
    button: 'Delete endpoint',
    path: paths.webhookDelete,
  },
  rotate: {
    title: 'Rotate signing secret',
    what: 'A new secret is made and shown once; from then on the receiver must check signatures with it, as the old one stops working at once.',
    button: 'Rotate secret',
    path: paths.webhookRotate,
  },
} as const;

/** Asks before a change that cannot be taken back, saying which endpoint and what follows. */
export function ConfirmPage(props: {
  ctx: PageContext;
  endpoint: WebhookEndpointRow;
  ask: keyof typeof asks;
}) {
  const ask = asks[props.ask];
  const back = paths.webhookEndpoint(props.endpoint.id);
  return (
    <AdminFrame
      ctx={props.ctx}
      title={ask.title}
      crumbs={[
        { href: paths.webhooks, label: 'Webhooks' },
        { href: back, label: props.endpoint.url },
      ]}
    >
      <form method="post" action={ask.path(props.endpoint.id)} class="danger-zone">
        <CsrfField token={props.ctx.csrfToken} />
        <p>
          Endpoint <strong>{props.endpoint.url}</strong>. {ask.what}
        </p>
        <div class="actions">
          <button type="submit" class="danger">
            {ask.button}
          </button>{' '}
          <a href={back}>Cancel</a>
        </div>
      </form>
    </AdminFrame>
  );
}
