/**
 * The login benchmark's second ceiling, in a process of its own: a bare `node:http` server that does one
 * argon2id verification per POST (the portal's parameters, passwords.ts) and answers 303, nothing else —
 * what HTTP and the load generator leave of the machine for argon2. GET answers a page with a dummy form
 * token, so the same load (loginLoad.ts) drives it. Prints its URL, then serves until killed.
 *
 *   node --import tsx bench/lib/httpArgonServer.ts
 */
import http from 'node:http';
import { hashPassword, verifyPassword } from '../../src/domain/accounts/passwords.ts';

const passwordHash = await hashPassword('violet tractor umbrella 42');
const server = http.createServer((request, response) => {
  if (request.method === 'GET') return void response.end('<input name="_csrf" value="bench">');
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', async () => {
    const ok = await verifyPassword(passwordHash, new URLSearchParams(body).get('password') ?? '');
    response.writeHead(ok ? 303 : 401, { location: '/' }).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`http://127.0.0.1:${port}`);
});
