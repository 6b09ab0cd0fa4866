/**
 * At most `max` open connections per client address (TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT):
 * one address cannot hold the collector's sockets. A connection past the limit is closed as it
 * opens, before any byte is read. Counted on the socket's own address: behind a load balancer
 * that is the balancer (raise the limit there, or 0 turns it off).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function limitConnectionsPerClient(server: Server, max: number, onRefused: () => void = () => {}): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? '';
    const n = (open.get(client) ?? 0) + 1;
    if (n > max) {
      onRefused();
      socket.destroy();
      return;
    }
    open.set(client, n);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
