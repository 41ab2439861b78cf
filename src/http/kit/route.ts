import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { ZodError, type ZodType } from 'zod';
import type { App } from '../../app.ts';
import type { Deps } from '../../domain/deps.ts';
import type { Actor } from '../../domain/policy.ts';
import { type Access, actorOf } from '../access.ts';
import { pageContext, sendPage } from '../render.ts';
import { requireStepUp } from '../stepUp/requireStepUp.ts';
import type { PageContext } from '../ui/Layout.tsx';
import { notFoundOf, type Refusal, refusalOf, typedValues, validationErrorOf } from './refusal.ts';

/**
 * Routes declared, not hand-written: `page` and `form` each take a spec, and the kit does the same steps
 * in the same order for every one — parse the path, authorise (the `access` rule, checked before the
 * handler by the access hook), parse the input, run one use-case, then render or redirect. A refusal the
 * person can put right (see refusal.ts) re-renders the page with the message next to its field, in this
 * one place; everything else goes to the error page.
 */

/** What a page's or form's functions get: the request's actor, parsed path, and the page context. */
export type Req<P> = {
  request: FastifyRequest;
  reply: FastifyReply;
  deps: Deps;
  actor: Actor;
  params: P;
  /** What was asked for or typed (the query string's or the form's text, never a secret), to show again. */
  typed: Record<string, string>;
  /** The layout's context (organisation name, who is signed in, a CSRF token for the page's forms). */
  ctx: () => PageContext;
};

/**
 * What a page or form answers: a page (200, or the refusal's status), a page with a status of its own
 * (`{ page, status }`: a used link's 410, say), or a path to go to instead (a redirect).
 */
export type Answer = VNode | string | { page: VNode; status: number };

type Common<P> = {
  path: string;
  access: Access;
  /** The path's parameters; one that does not parse answers 404. */
  params?: ZodType<P>;
  /** The fields the page shows errors next to; errors naming other fields are shown over the form. */
  fields?: readonly string[];
};

export type PageSpec<P, Q> = Common<P> & {
  /** The query string; what does not parse is shown as field errors, the rest of the page as usual. */
  query?: ZodType<Q>;
  /**
   * The page. `refused` is set when the query (or a value found bad while loading, such as an edited
   * page link) was refused: render the page again with `refused.errors` and what was asked for.
   */
  view: (r: Req<P>, shown: { query?: Q; refused?: Refusal }) => Promise<Answer> | Answer;
};

export type FormSpec<P, B, R> = Common<P> & {
  body?: ZodType<B>;
  /** The one use-case the form runs. */
  run: (r: Req<P>, input: B) => Promise<R>;
  /** Where to go next (a path: 303 See Other), or a page to show. */
  done: (r: Req<P>, result: R) => Answer | Promise<Answer>;
  /** The form's page again, with the refusal's errors and what was typed; without it, the error page. */
  view?: (r: Req<P>, refused: Refusal) => Promise<Answer> | Answer;
  /** A dangerous action: asks for the second step again when it is stale (src/http/stepUp/, StepUpField). */
  stepUp?: boolean;
};

export type RouteKit = ReturnType<typeof routeKit>;

export function routeKit(server: FastifyInstance, app: App) {
  /** Sends an answer; `status` is a plain page's (a refusal's, or 200). Pages redirect with 302, forms 303. */
  const send = (reply: FastifyReply, answer: Answer, status: number, redirect: 302 | 303) => {
    if (typeof answer === 'string') return reply.redirect(answer, redirect);
    if ('page' in answer) return sendPage(app, reply, answer.page, answer.status);
    return sendPage(app, reply, answer, status);
  };
  const requestOf = <P>(spec: Common<P>, request: FastifyRequest, reply: FastifyReply): Req<P> => {
    let params = request.params as P;
    if (spec.params) {
      const parsed = spec.params.safeParse(request.params);
      if (!parsed.success) throw notFoundOf(parsed.error);
      params = parsed.data;
    }
    return {
      request,
      reply,
      deps: app.deps,
      actor: actorOf(request),
      params,
      typed: typedValues(request.method === 'GET' ? request.query : request.body),
      ctx: () => pageContext(app, request, reply),
    };
  };
  const parse = <T>(schema: ZodType<T> | undefined, input: unknown): T =>
    schema ? schema.parse(input ?? {}) : (input as T);

  return {
    page<P = unknown, Q = unknown>(spec: PageSpec<P, Q>): void {
      server.get(spec.path, { config: { access: spec.access } }, async (request, reply) => {
        const r = requestOf(spec, request, reply);
        try {
          return send(reply, await spec.view(r, { query: parse(spec.query, request.query) }), 200, 302);
        } catch (error) {
          const refusal = refusalOf(error, request.query, spec.fields);
          if (!refusal) throw error;
          return send(reply, await spec.view(r, { refused: refusal }), refusal.status, 302);
        }
      });
    },

    form<P = unknown, B = unknown, R = unknown>(spec: FormSpec<P, B, R>): void {
      server.post(spec.path, { config: { access: spec.access } }, async (request, reply) => {
        const r = requestOf(spec, request, reply);
        let result: R;
        try {
          if (spec.stepUp) await requireStepUp(app.deps, request);
          result = await spec.run(r, parse(spec.body, request.body));
        } catch (error) {
          const refusal = spec.view && refusalOf(error, request.body, spec.fields);
          if (!refusal) throw error instanceof ZodError ? validationErrorOf(error) : error;
          return send(reply, await spec.view!(r, refusal), refusal.status, 303);
        }
        return send(reply, await spec.done(r, result), 200, 303);
      });
    },
  };
}
