import type { Socket } from 'node:net';
import type { SMTPServer } from 'smtp-server';

/** Destroys one session's socket without a reply: the server has the message, the client never hears so. */
export function cutConnection(server: SMTPServer, sessionId: string): void {
  const connections = (server as unknown as { connections: Set<{ id: string; _socket: Socket }> })
    .connections;
  for (const c of connections) if (c.id === sessionId) c._socket.destroy();
}
