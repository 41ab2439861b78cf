import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type ApiScope, apiScopes } from '../src/domain/apiTokens/apiTokenInput.ts';
import { createApiToken } from '../src/domain/apiTokens/createApiToken.ts';
import { systemActor } from '../src/domain/policy.ts';
import type { TestApp } from './harness.ts';
import { OpenApiContract } from './openapiContract.ts';

/** A fresh API token (every scope unless told), as `gatehouse api-token create` would print it. */
export async function buildApiToken(
  app: TestApp,
  opts: { name?: string; scopes?: ApiScope[]; expiresDays?: number } = {},
): Promise<string> {
  const created = await createApiToken(app.deps, systemActor(), {
    name: opts.name ?? `sync ${Math.random().toString(36).slice(2, 8)}`,
    scopes: opts.scopes ?? [...apiScopes],
    expiresDays: opts.expiresDays,
  });
  return created.token;
}

type Call = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  payload?: string;
};

const contracts = new WeakMap<FastifyInstance, Promise<OpenApiContract>>();

/** The server's published OpenAPI document, read once per server. */
export function contractOf(server: FastifyInstance): Promise<OpenApiContract> {
  let contract = contracts.get(server);
  if (!contract) {
    contract = OpenApiContract.of(server);
    contracts.set(server, contract);
  }
  return contract;
}

/**
 * A JSON API client for tests: `call(path)` with the token as a bearer; `.json` is the parsed answer.
 * Every answer is checked against the OpenAPI document (tests/openapiContract.ts), so a test fails when
 * an endpoint answers with a status or a shape its documentation does not promise.
 */
export function apiClient(server: FastifyInstance, token: string | null) {
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers freely; their shape is checked against the OpenAPI document.
  return async function call(path: string, opts: Call = {}): Promise<LightMyRequestResponse & { json: any }> {
    const res = await server.inject({
      method: opts.method ?? 'GET',
      url: path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
      ...(opts.body !== undefined
        ? { payload: opts.body as object }
        : opts.payload !== undefined
          ? { payload: opts.payload }
          : {}),
    });
    const contentType = (res.headers['content-type'] ?? '').toString();
    const json = contentType.includes('json') ? res.json() : undefined;
    (await contractOf(server)).check(opts.method ?? 'GET', path, res.statusCode, contentType, json);
    return Object.assign(res, { json });
  };
}
