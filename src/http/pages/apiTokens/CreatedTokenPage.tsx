import type { CreatedApiToken } from '../../../domain/apiTokens/createApiToken.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { ShownOnceField } from '../../ui/ShownOnceField.tsx';

/**
 * The one time a token is shown: the answer to the form's POST itself (never stored, never in a URL, no
 * redirect to a page that could show it again; `cache-control: no-store` like every page). A readonly
 * field, so it can be selected and copied without JavaScript.
 */
export function CreatedTokenPage({ ctx, created }: { ctx: PageContext; created: CreatedApiToken }) {
  const curl = `curl -H "Authorization: Bearer ${created.token}" ${ctx.publicUrl}/api/v1/token`;
  return (
    <AdminFrame ctx={ctx} title="API token created" crumbs={[{ href: paths.apiTokens, label: 'API tokens' }]}>
      <Notice>
        Token “{created.name}” created.{' '}
        {created.expiresAt ? `It works until ${formatDateTime(created.expiresAt)}.` : 'It does not expire.'}
      </Notice>
      <div class="card">
        <ShownOnceField id="new-token" label="API token" value={created.token}>
          Copy it now and keep it where the script can read it. It will not be shown again: the portal keeps
          only a fingerprint of it. If it is lost, revoke it and create another.
        </ShownOnceField>
        <h2>Try it</h2>
        <p>This asks the API which token it is; the answer is the token's name and scopes.</p>
        <pre>
          <code>{curl}</code>
        </pre>
      </div>
      <p>
        <a href={paths.apiTokens}>Back to API tokens</a> · <a href={paths.apiDocs}>API reference</a>
      </p>
    </AdminFrame>
  );
}
