import type { ApiTokenRow } from '../../../domain/apiTokens/listApiTokens.ts';
import { RECENTLY_REVOKED_DAYS } from '../../../domain/apiTokens/listApiTokens.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { expiryWords, lastUsedWords, nameIdOf, stateDetailWords } from './words.ts';

/** One token: what it is, who made it, when it works until, when a script last used it, and Revoke. */
function TokenRow({ token }: { token: ApiTokenRow }) {
  return (
    <tr>
      <th scope="row" data-label="Name" id={nameIdOf(token.id)}>
        {token.name}
      </th>
      <td data-label="Starts with">
        <code>{token.prefix}…</code>
      </td>
      <td data-label="Scopes">{token.scopes.join(', ')}</td>
      <td data-label="Created">
        {formatDateTime(token.createdAt)} by {token.createdByLabel}
      </td>
      <td data-label="Expires">{expiryWords(token)}</td>
      <td data-label="Last used">{lastUsedWords(token)}</td>
      <td data-label="State">{stateDetailWords(token)}</td>
      <td data-label="Action">
        {/* A link to a page that asks first: revoking cannot be undone. */}
        {token.state !== 'revoked' && (
          <a href={paths.revokeApiToken(token.id)} aria-describedby={nameIdOf(token.id)}>
            Revoke
          </a>
        )}
      </td>
    </tr>
  );
}

/** The tokens, newest first; an empty state that says what a token is for. */
export function TokenTable({ tokens }: { tokens: ApiTokenRow[] }) {
  if (tokens.length === 0) {
    return (
      <p>
        There are no API tokens yet. Create one below for each script or system that keeps the roster in step
        with the portal, so that each can be revoked on its own.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="stack">
        <caption>API tokens, newest first (revoked ones are listed for {RECENTLY_REVOKED_DAYS} days)</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
