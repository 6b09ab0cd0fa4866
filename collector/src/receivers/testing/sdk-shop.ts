/**
 * Test support: a small shop whose pages run the published Faro or OpenTelemetry browser SDKs
 * (bundled here with esbuild from pages/*.ts), on its own origin, with an API that fails the way
 * shops do. `/<sdk>/<any path>?collector=…&key=…` serves a page instrumented with that SDK.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { API } from './pages/shop-actions.ts';

export type Sdk = 'faro' | 'otel';

export interface SdkShop {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The page at `path` instrumented with `sdk`, reporting to `collector`. */
  pageUrl(sdk: Sdk, path: string, query: Record<string, string>): string;
  close(): Promise<void>;
}

async function bundle(sdk: Sdk): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./pages/${sdk}-page.ts`, import.meta.url))],
    bundle: true,
    format: 'iife',
    target: ['chrome120'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error(`esbuild produced no bundle for the ${sdk} page`);
  return code;
}

const html = (sdk: Sdk, path: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${sdk} shop ${path}</title></head>
<body>
<h1>Stainless steel kettle</h1>
<p style="font-size:28px;max-width:40em">A 1.7 litre kettle that boils in under three minutes, with a 360° base and
an auto-off switch. This paragraph is the largest block of text on the page, so it is what LCP reports.</p>
<button id="buy">Buy</button>
<script src="/${sdk}.js"></script>
</body></html>`;

export async function startSdkShop(): Promise<SdkShop> {
  const scripts = { faro: await bundle('faro'), otel: await bundle('otel') };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    req.resume();
    if (path === '/faro.js' || path === '/otel.js') return send(200, 'text/javascript', scripts[path === '/faro.js' ? 'faro' : 'otel']);
    if (path === API.fail) return send(500, 'application/json', '{"error":"cart service unavailable"}');
    if (path === API.pay) return send(502, 'application/json', '{"error":"payment gateway timeout"}');
    if (path === API.ok) return send(200, 'application/json', '{"inStock":true}');
    const sdk = path.split('/')[1];
    if (sdk === 'faro' || sdk === 'otel') return send(200, 'text/html; charset=utf-8', html(sdk, path));
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: (sdk, path, query) => `${origin}/${sdk}${path}?${new URLSearchParams(query)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
