import type { WebhookEndpointRow } from '../../../domain/webhooks/webhookEndpointList.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { AddEndpointForm, type AddFormValues } from './AddEndpointForm.tsx';
import { eventWords } from './words.ts';

function EndpointTable({ endpoints }: { endpoints: WebhookEndpointRow[] }) {
  if (endpoints.length === 0) return <p>No endpoints yet. Add one below to start sending events.</p>;
  return (
    <table class="stack">
      <caption>Endpoints</caption>
      <thead>
        <tr>
          <th scope="col">Endpoint URL</th>
          <th scope="col">Events</th>
          <th scope="col">State</th>
          <th scope="col">Added</th>
        </tr>
      </thead>
      <tbody>
        {endpoints.map((e) => (
          <tr key={e.id}>
            <th scope="row" data-label="Endpoint URL">
              <a href={paths.webhookEndpoint(e.id)}>{e.url}</a>
              {e.description && <p class="hint">{e.description}</p>}
            </th>
            <td data-label="Events">{e.events.map(eventWords).join('; ')}</td>
            <td data-label="State">{e.enabled ? 'Enabled' : 'Disabled'}</td>
            <td data-label="Added">
              {formatDateTime(e.createdAt)} by {e.createdByLabel}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Admin › Webhooks (Security Administrators): the endpoints and a form to add one. */
export function WebhooksPage(props: {
  ctx: PageContext;
  endpoints: WebhookEndpointRow[];
  values: AddFormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  return (
    <AdminFrame ctx={props.ctx} title="Webhooks">
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary errors={props.errors} />
      <p>
        The portal tells your membership database when a member creates a login, when an invitation email
        fails for good and when an invitation round finishes, by sending a signed POST to each endpoint
        (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code> and{' '}
        <code>webhook-signature</code> headers). Answers other than 2xx are tried again after 1, 5 and 30
        minutes, 2 and 8 hours. Each endpoint's page shows its deliveries and the answers, kept for 30 days.
      </p>
      <EndpointTable endpoints={props.endpoints} />
      <AddEndpointForm ctx={props.ctx} values={props.values} errors={props.errors} />
    </AdminFrame>
  );
}
