import type { ApiTokenRow } from '../../../domain/apiTokens/listApiTokens.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { expiryWords, lastUsedWords, stateDetailWords } from './words.ts';

/** Revoke asks first, saying which token it is and what stops working; a revoked one has nothing to ask. */
export function RevokeTokenPage({ ctx, token }: { ctx: PageContext; token: ApiTokenRow }) {
  return (
    <AdminFrame
      ctx={ctx}
      title={`Revoke API token “${token.name}”`}
      crumbs={[{ href: paths.apiTokens, label: 'API tokens' }]}
    >
      <dl>
        <dt>Starts with</dt>
        <dd>
          <code>{token.prefix}…</code>
        </dd>
        <dt>Scopes</dt>
        <dd>{token.scopes.join(', ')}</dd>
        <dt>Created</dt>
        <dd>
          {formatDateTime(token.createdAt)} by {token.createdByLabel}
        </dd>
        <dt>Expires</dt>
        <dd>{expiryWords(token)}</dd>
        <dt>Last used</dt>
        <dd>{lastUsedWords(token)}</dd>
        <dt>State</dt>
        <dd>{stateDetailWords(token)}</dd>
      </dl>
      {token.state === 'revoked' ? (
        <p>This token has been revoked already; there is nothing more to do.</p>
      ) : (
        <form method="post" action={paths.revokeApiToken(token.id)} class="danger-zone">
          <CsrfField token={ctx.csrfToken} />
          <p>
            From the next request on, any script using this token is refused (401). This cannot be undone: to
            let the script in again, create a new token and give it that one.
          </p>
          <div class="actions">
            <button type="submit" class="danger">
              Revoke token
            </button>{' '}
            <a href={paths.apiTokens}>Cancel</a>
          </div>
        </form>
      )}
      <p>
        <a href={paths.apiTokens}>Back to API tokens</a>
      </p>
    </AdminFrame>
  );
}
