/**
 * Records what the real SDKs send, as the receivers' unit-test fixtures:
 *
 *   node --import tsx collector/src/receivers/testing/capture-fixtures.ts
 *
 * Headless Chromium visits the SDK shop (sdk-shop.ts) with each SDK pointed at a recorder that
 * answers like Touchpoint (CORS, 202) and keeps every body; the visitor throws an error, makes
 * failing requests and, with Faro, fails a checkout. Bodies are written to ../fixtures/ as sent,
 * except that the run's ids and times stay what they were: tests shift times to now.
 * Re-run after upgrading an SDK and review the diff.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.ts';
import { hidePage } from './hide-page.ts';
import { startSdkShop } from './sdk-shop.ts';

const bodies: { path: string; contentType: string; body: unknown }[] = [];
const recorder = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'POST');
      res.setHeader('access-control-allow-headers', String(req.headers['access-control-request-headers'] ?? ''));
      res.writeHead(204).end();
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    bodies.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: JSON.parse(text) as unknown });
    res.writeHead(202).end();
  });
});
await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
const collector = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
const shop = await startSdkShop();
const browser = await launchChromium();
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function visit(sdk: 'faro' | 'otel', path: string, query: Record<string, string>, act: (run: (fn: string) => Promise<unknown>) => Promise<void>) {
  const page = await browser.newPage();
  await page.goto(shop.pageUrl(sdk, path, { collector, key: 'demo', ...query }), { waitUntil: 'load' });
  const run = (fn: string) => page.evaluate(`window.shop.${fn}`);
  await settle(500);
  await act(run);
  // A click finalises LCP; hiding the page makes web-vitals report LCP, CLS and INP.
  await page.click('#buy');
  await settle(300);
  await hidePage(page);
  if (sdk === 'otel') await run('flush()');
  await settle(1500);
  await page.close();
}

const out = (name: string, paths: RegExp) => {
  const file = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const picked = bodies.filter((b) => paths.test(b.path));
  writeFileSync(file, JSON.stringify(picked.map((b) => b.body), null, 2) + '\n');
  console.log(`${file}: ${picked.length} bodies (${[...new Set(picked.map((b) => b.contentType))].join(', ')})`);
};

try {
  await visit('faro', '/products/kettle', {}, async (run) => {
    await run('throwError()');
    await run('rejectPromise()');
    await run('failedRequest()');
    await run('okRequest()');
    await run('coupon()');
  });
  await visit('faro', '/checkout/payment', {}, async (run) => {
    await run("identify('cust-faro-1', 'kim@example.com', true)");
    await run("startCheckout('co-faro-1')");
    await run("pay('co-faro-1')");
  });
  out('faro-payloads.json', /^\/collect/);
  bodies.length = 0;
  await visit('otel', '/products/kettle', {}, async (run) => {
    await run('throwError()');
    await run('rejectPromise()');
    await run('failedRequest()');
    await run('unreachableRequest()');
    await run('okRequest()');
  });
  out('otlp-traces.json', /^\/v1\/traces/);
  out('otlp-logs.json', /^\/v1\/logs/);
} finally {
  await browser.close();
  await shop.close();
  recorder.close();
}
