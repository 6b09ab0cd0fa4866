/**
 * The demo shop's server: static pages (product → cart → checkout) that load the agent from a
 * collector, a fake payment API, and a "third-party" script on another host name.
 *
 *   COLLECTOR_URL=http://127.0.0.1:8080 PORT=3000 node --import tsx agent/demo-shop/serve.ts
 *
 * POST /api/pay answers 502 when called with ?fail=1 (the checkout page's "make it fail" box).
 * Pages carry the shop's release on the agent's tag (`data-release`, `release` below); a page
 * asked for with ?test=1 gets `data-test="true"`, so its traffic is marked as a test.
 * The end-to-end test starts it with `startDemoShop()` on a port of its own, so every beacon
 * from the shop to the collector is cross-origin, as on a real site.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface DemoShop {
  url: string;
  server: Server;
  /** Payment calls seen, with the status they got. */
  payments: number[];
  close(): Promise<void>;
}

const dir = new URL('./', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css', svg: 'image/svg+xml' };
const PAGES = new Set(['index.html', 'cart.html', 'checkout.html', 'bye.html', 'shop.css', 'kettle.svg']);

/** The release the demo shop's pages say they are (`data-release` on the agent's tag). */
export const DEMO_RELEASE = 'demo-shop@1.4.2';

export async function startDemoShop(opts: { collectorUrl: string; port?: number; host?: string; release?: string }): Promise<DemoShop> {
  const stub = read('stub.html');
  const payments: number[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    const name = url.pathname == '/' ? 'index.html' : url.pathname.slice(1);
    if (req.method == 'POST' && url.pathname == '/api/pay') {
      const fail = url.searchParams.get('fail') == '1';
      req.resume();
      // A slow, failing payment provider: the failed request has a duration worth reporting.
      setTimeout(() => {
        payments.push(fail ? 502 : 200);
        res.writeHead(fail ? 502 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(fail ? { error: 'payment provider unavailable' } : { orderId: 'ord-' + Date.now().toString(36) }));
      }, 120);
      return;
    }
    if (url.pathname == '/cdn/payments-widget.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'timing-allow-origin': '*', 'cache-control': 'no-store' });
      res.end('window.paymentsWidget = { ready: true };');
      return;
    }
    if (!PAGES.has(name)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    // The "CDN" is this server under the other loopback name: a different host to the browser.
    const port = (server.address() as AddressInfo).port;
    const cdnHost = (req.headers.host ?? '').startsWith('localhost') ? '127.0.0.1' : 'localhost';
    const body = read(name)
      .replaceAll('{{STUB}}', stub)
      .replaceAll('{{COLLECTOR}}', opts.collectorUrl.replace(/\/+$/, ''))
      .replaceAll('{{CDN}}', `http://${cdnHost}:${port}`)
      .replaceAll('{{RELEASE}}', opts.release ?? DEMO_RELEASE)
      .replaceAll('{{TEST}}', url.searchParams.get('test') == '1' ? ' data-test="true"' : '');
    res.writeHead(200, { 'content-type': TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    payments,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shop = await startDemoShop({
    collectorUrl: process.env.COLLECTOR_URL ?? 'http://127.0.0.1:8080',
    port: Number(process.env.PORT ?? 3000),
  });
  console.log(`demo shop on ${shop.url} (agent from ${process.env.COLLECTOR_URL ?? 'http://127.0.0.1:8080'}); add ?fail=1 to make the payment fail`);
}
