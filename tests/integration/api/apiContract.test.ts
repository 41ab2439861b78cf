import { describe, expect, it } from 'vitest';
import { contractOf } from '../../api.ts';
import { useTestApp } from '../../harness.ts';

const app = useTestApp();

describe('the OpenAPI contract check every API test runs', () => {
  it('refuses an answer whose shape or status the document does not promise', async () => {
    const contract = await contractOf(await app.server());
    const json = 'application/json; charset=utf-8';
    expect(() =>
      contract.check('GET', '/api/v1/token', 200, json, { name: 'sync', scopes: ['roster:read'] }),
    ).not.toThrow();
    expect(() => contract.check('GET', '/api/v1/token', 200, json, { name: 7, scopes: [] })).toThrow(
      /does not allow/,
    );
    expect(() =>
      contract.check('GET', '/api/v1/token', 200, json, { name: 'x', scopes: ['everything'] }),
    ).toThrow(/does not allow/);
    expect(() => contract.check('GET', '/api/v1/token', 401, json, { error: { message: 'no' } })).toThrow(
      /does not allow/,
    );
    expect(() => contract.check('GET', '/api/v1/token', 418, json, {})).toThrow(/does not list/);
  });
});
