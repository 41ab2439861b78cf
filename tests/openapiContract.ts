import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

/** A JSON pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
/** `/api/v1/members/M-1` against `/api/v1/members/{member_number}`. */
const matches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path);

/**
 * Checks API answers against the OpenAPI document the server publishes (the contract test): every answer
 * a test receives must have a documented status for its operation and, when JSON, match that status's
 * schema. Used by `apiClient`, so every API test is also a contract test.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly seen = new Set<string>();

  private constructor(private readonly doc: Doc) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
  }

  static async of(server: FastifyInstance): Promise<OpenApiContract> {
    const res = await server.inject('/api/v1/openapi.json');
    return new OpenApiContract(res.json());
  }

  /** The operations the document lists, as `GET /api/v1/members`. */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
  }

  /** Throws, naming the operation and the mismatch, when an answer is not what the document says. */
  check(method: string, url: string, status: number, contentType: string, body: unknown): void {
    const path = url.split('?')[0]!;
    const template = Object.keys(this.doc.paths).find(
      (t) => matches(t, path) && this.doc.paths[t]![method.toLowerCase()],
    );
    if (!template) return; // not a documented operation (a 404 for an unknown path, say)
    const operation = this.doc.paths[template]![method.toLowerCase()]!;
    this.seen.add(`${method.toUpperCase()} ${template}`);
    const response = operation.responses?.[String(status)] as
      | { content?: Record<string, unknown> }
      | undefined;
    if (!response)
      throw new Error(`${method} ${template} answered ${status}, which the OpenAPI document does not list`);
    if (!contentType.includes('json') || !response.content?.['application/json']) return;
    const ref = [
      '#',
      'paths',
      template,
      method.toLowerCase(),
      'responses',
      String(status),
      'content',
      'application/json',
      'schema',
    ]
      .map((s, i) => (i === 0 ? s : pointer(s)))
      .join('/');
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi${ref}` });
      this.compiled.set(ref, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `${method} ${template} answered ${status} with a body the OpenAPI document does not allow: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  }
}
