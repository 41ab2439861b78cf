import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../../app.ts';
import { type PagePosition, readPosition } from '../../../db/keyset.ts';
import { createApiTokenForm } from '../../../domain/apiTokens/apiTokenInput.ts';
import { createApiToken } from '../../../domain/apiTokens/createApiToken.ts';
import { apiTokenById, listApiTokens } from '../../../domain/apiTokens/listApiTokens.ts';
import { revokeApiToken } from '../../../domain/apiTokens/revokeApiToken.ts';
import { id, optionalText } from '../../../domain/input.ts';
import type { Refusal } from '../../kit/refusal.ts';
import { type Req, routeKit } from '../../kit/route.ts';
import { paths, withQuery } from '../../paths.ts';
import { ApiTokensPage } from './ApiTokensPage.tsx';
import { CreatedTokenPage } from './CreatedTokenPage.tsx';
import { createFields, freshValues } from './CreateTokenForm.tsx';
import { RevokeTokenPage } from './RevokeTokenPage.tsx';

type Token = { tokenId: number };
const params = z.object({ tokenId: id('API token') });

const notices = {
  revoked: 'Token revoked. Scripts using it are refused from their next request on.',
  already: 'That token had been revoked already; nothing changed.',
} as const;

// The page position, and what was just done (any other value of `done` is no notice, not a refusal).
const query = z
  .object({
    after: optionalText,
    before: optionalText,
    done: z.enum(['revoked', 'already']).optional().catch(undefined),
  })
  .transform(({ after, before, done }) => ({ position: readPosition(after, before), done }));

type Shown = { position?: PagePosition; notice?: string; refused?: Refusal; formRefused?: boolean };

/** The list and the create form; after a refused form, what was typed; after a refused page link, no list. */
async function view(r: Req<unknown>, shown: Shown) {
  const listed = !shown.refused || shown.formRefused;
  const page = listed ? await listApiTokens(r.deps, r.actor, shown.position) : null;
  const values = shown.formRefused && shown.refused ? shown.refused.values : freshValues;
  return (
    <ApiTokensPage
      ctx={r.ctx()}
      page={page}
      values={values}
      errors={shown.refused?.errors}
      notice={shown.notice}
    />
  );
}

/** Admin › API tokens (Security Administrators): list, create (the token shown once), and revoke. */
export function registerApiTokensRoutes(server: FastifyInstance, app: App): void {
  const { page, form } = routeKit(server, app);
  const access = 'apiTokens.manage';

  page({
    path: paths.apiTokens,
    access,
    query,
    fields: createFields,
    view: (r, { query, refused }) =>
      view(r, { position: query?.position, notice: query?.done && notices[query.done], refused }),
  });

  form({
    path: paths.apiTokens,
    access,
    fields: createFields,
    body: createApiTokenForm,
    stepUp: true,
    run: (r, input) => createApiToken(r.deps, r.actor, input),
    done: (r, created) => {
      r.reply.header('referrer-policy', 'no-referrer');
      return <CreatedTokenPage ctx={r.ctx()} created={created} />;
    },
    view: (r, refused) => view(r, { refused, formRefused: true }),
  });

  page({
    path: paths.revokeApiToken(':tokenId'),
    access,
    params,
    view: async (r: Req<Token>) => (
      <RevokeTokenPage ctx={r.ctx()} token={await apiTokenById(r.deps, r.actor, r.params.tokenId)} />
    ),
  });

  form({
    path: paths.revokeApiToken(':tokenId'),
    access,
    params,
    run: (r: Req<Token>) => revokeApiToken(r.deps, r.actor, { tokenId: r.params.tokenId }),
    done: (_r, outcome) => withQuery(paths.apiTokens, { done: outcome.revoked ? 'revoked' : 'already' }),
  });
}
