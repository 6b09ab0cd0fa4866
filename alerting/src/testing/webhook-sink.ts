/** An HTTP server that records the JSON POSTed to it, for tests; `status` sets its answer. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  path: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  /** The exact bytes received, for signature checks. */
  raw: string;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface WebhookSink {
  url: string;
  hooks: ReceivedHook[];
  status: number;
  on(path: string): ReceivedHook[];
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const hooks: ReceivedHook[] = [];
  const sink: WebhookSink = { url: '', hooks, status: 204, on: (p) => hooks.filter((h) => h.path === p), close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (sink.status < 300) {
        const raw = Buffer.concat(chunks).toString('utf8');
        hooks.push({
          path: req.url ?? '/',
          idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
          body: JSON.parse(raw) as Record<string, unknown>,
          raw,
          headers: req.headers,
          at: Date.now(),
        });
      }
      res.statusCode = sink.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sink;
}
