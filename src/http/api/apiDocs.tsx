import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.ts';
import { pageContext, sendPage } from '../render.ts';
import { Layout } from '../ui/Layout.tsx';

type Schema = Record<string, unknown>;
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
type Document = {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
};

const anchorOf = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
const json = (value: unknown) => JSON.stringify(value, null, 2);
/** A schema's type in a few words: `string (date-time)`, `integer`, `one of current, lapsed`. */
const typeOf = (s: Schema = {}) =>
  Array.isArray(s.enum)
    ? `one of ${s.enum.join(', ')}`
    : `${s.type ?? 'value'}${s.format ? ` (${s.format})` : ''}`;

function OperationSection({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody?.content;
  return (
    <section aria-labelledby={anchorOf(method, path)}>
      <h3 id={anchorOf(method, path)}>
        <code>
          {method.toUpperCase()} {path}
        </code>
      </h3>
      {op.summary && <p>{op.summary}</p>}
      {op.description && <p>{op.description}</p>}
      <p>{op.security ? 'Needs an API token (Authorization: Bearer …).' : 'No token needed.'}</p>
      {op.parameters && op.parameters.length > 0 && (
        <table>
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td>
                  <code>{p.name}</code>
                  {p.required ? ' (required)' : ''}
                </td>
                <td>{p.in}</td>
                <td>{typeOf(p.schema)}</td>
                <td>{p.description ?? p.schema?.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {body &&
        Object.entries(body).map(([type, content]) => (
          <details key={type}>
            <summary>Request body ({type})</summary>
            <pre class="email-source">{json(content.schema ?? {})}</pre>
          </details>
        ))}
      <h4>Answers</h4>
      <ul>
        {Object.entries(op.responses ?? {}).map(([status, answer]) => (
          <li key={status}>
            <strong>{status}</strong> {answer.description ?? ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * `/api/docs`: the OpenAPI document drawn as a page for people, on the server, from the same document
 * `/api/v1/openapi.json` serves (no script from elsewhere, so the page keeps the portal's CSP).
 */
export function registerApiDocs(server: FastifyInstance, app: App): void {
  server.get('/api/docs', { config: { access: 'public' } }, async (request, reply) => {
    const doc = server.swagger() as unknown as Document;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, op })),
    );
    return sendPage(
      app,
      reply,
      <Layout ctx={pageContext(app, request, reply)} title="JSON API reference">
        <h1>{doc.info.title}</h1>
        {doc.info.description && <p>{doc.info.description}</p>}
        <p>
          The same description as a machine reads it: <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI
          3.1).
        </p>
        <nav aria-label="Endpoints">
          <ul>
            {operations.map(({ method, path, op }) => (
              <li key={anchorOf(method, path)}>
                <a href={`#${anchorOf(method, path)}`}>
                  {method.toUpperCase()} {path}
                </a>
                {op.summary ? ` — ${op.summary}` : ''}
              </li>
            ))}
          </ul>
        </nav>
        <h2>Endpoints</h2>
        {operations.map(({ method, path, op }) => (
          <OperationSection key={anchorOf(method, path)} method={method} path={path} op={op} />
        ))}
      </Layout>,
    );
  });
}
