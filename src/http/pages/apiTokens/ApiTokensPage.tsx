import type { Page, PagePosition } from '../../../db/keyset.ts';
import type { ApiTokenRow } from '../../../domain/apiTokens/listApiTokens.ts';
import { paths, withQuery } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { ErrorSummary, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { type CreateFormValues, CreateTokenForm } from './CreateTokenForm.tsx';
import { TokenTable } from './TokenTable.tsx';

type Props = {
  ctx: PageContext;
  /** Null when the page link was refused (out of date): the error is shown instead of the list. */
  page: Page<ApiTokenRow> | null;
  values: CreateFormValues;
  errors?: FieldErrors;
  notice?: string;
};

const pageHref = (position: PagePosition) => withQuery(paths.apiTokens, { ...position });

/** Admin › API tokens (Security Administrators): the tokens scripts use for the JSON API, and a new one. */
export function ApiTokensPage({ ctx, page, values, errors, notice }: Props) {
  return (
    <AdminFrame ctx={ctx} title="API tokens">
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary errors={errors} />
      <p>
        A script or another system (your membership database, say) uses an API token to read and update the
        roster and send invitations through the JSON API. Give each one its own token with only the scopes it
        needs, so you can revoke it alone. See the <a href={paths.apiDocs}>API reference</a> for what each
        scope opens.
      </p>
      {page && (
        <>
          <TokenTable tokens={page.rows} />
          <Pager page={page} href={pageHref} labels={{ prev: 'Newer tokens', next: 'Older tokens' }} />
        </>
      )}
      <CreateTokenForm ctx={ctx} values={values} errors={errors} />
    </AdminFrame>
  );
}
