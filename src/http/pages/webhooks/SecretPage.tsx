import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { ShownOnceField } from '../../ui/ShownOnceField.tsx';

/**
 * The one time a signing secret is shown: the answer to the POST that made it (never in a URL, no
 * redirect to a page that could show it again). A readonly field, so it can be copied without JavaScript.
 */
export function SecretPage(props: {
  ctx: PageContext;
  endpointId: number;
  url: string;
  secret: string;
  rotated: boolean;
}) {
  return (
    <AdminFrame
      ctx={props.ctx}
      title={props.rotated ? 'New signing secret' : 'Webhook endpoint added'}
      crumbs={[{ href: paths.webhooks, label: 'Webhooks' }]}
    >
      <Notice>
        {props.rotated
          ? `Events for ${props.url} are signed with a new secret from now on; the old one no longer works.`
          : `Events will be sent to ${props.url}.`}
      </Notice>
      <div class="card">
        <ShownOnceField id="signing-secret" label="Signing secret" value={props.secret}>
          Copy it now into the receiving system, which checks each event's signature with it. It will not be
          shown again; if it is lost, rotate it.
        </ShownOnceField>
      </div>
      <p>
        <a href={paths.webhookEndpoint(props.endpointId)}>Go to the endpoint</a> ·{' '}
        <a href={paths.webhooks}>Back to Webhooks</a>
      </p>
    </AdminFrame>
  );
}
