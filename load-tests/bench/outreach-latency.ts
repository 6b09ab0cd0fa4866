/**
 * npm run bench outreach — time-to-outreach end to end on one node: a checkout-failure beacon
 * POSTed to a started Touchpoint (all roles) → the customer-outreach webhook received by a
 * local receiver. Goal (issue: customer rescue): p95 under 1 s. Also prints the worker's own
 * histogram (ack → handed to the channel) from /metrics.
 *   node --import tsx load-tests/bench/outreach-latency.ts [incidents=100] [perSecond=10]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '@touchpoint/node/config';
import { startTouchpoint } from '@touchpoint/node';

const incidents = Number(process.argv[2] ?? 100);
const perSecond = Number(process.argv[3] ?? 10);

const received = new Map<string, number>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d));
  req.on('end', () => {
    const msg = JSON.parse(body) as { kind: string; customer: string };
    if (msg.kind === 'customer-outreach') received.set(msg.customer, Date.now());
    res.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const { port } = receiver.address() as { port: number };

// The bench's sessions (`bench-…`) are test traffic, which contacts nobody but a project's test
// recipients: its customers are those, so the measured path is the one a real customer's takes.
if (incidents > 100) throw new Error('at most 100 incidents: a project lists at most 100 test recipients');
const dataDir = mkdtempSync(join(tmpdir(), 'tp-bench-outreach-'));
const projectsFile = join(dataDir, 'projects.json');
const customers = Array.from({ length: incidents }, (_, i) => `bench-outreach-${i}`);
writeFileSync(projectsFile, JSON.stringify({ projects: [{ id: 'demo', key: 'demo', origins: ['*'], testRecipients: customers }] }));

const tp = await startTouchpoint(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    TOUCHPOINT_PROJECTS: projectsFile,
    TOUCHPOINT_ADMIN_TOKEN: 'bench-admin-token',
    TOUCHPOINT_OUTREACH_WEBHOOK: `http://127.0.0.1:${port}/outreach`,
    TOUCHPOINT_RATE_LIMIT: '0',
  }),
  { logger: pino({ level: 'warn' }) },
);

const sent = new Map<string, number>();
for (let i = 0; i < incidents; i++) {
  const now = Date.now();
  const customer = customers[i]!;
  const body = JSON.stringify({
    v: 1,
    session: `bench-outreach-s${i}`,
    customer,
    page: 'https://shop.example/checkout/payment',
    sentAt: now,
    events: [
      { type: 'identify', at: now, customer, email: `customer${i}@example.invalid`, consent: { outreach: true } },
      { type: 'checkout', at: now, step: 'start', id: `co-${i}`, value: 50, currency: 'AUD' },
      { type: 'checkout', at: now, step: 'error', id: `co-${i}`, reason: 'card declined' },
    ],
  });
  sent.set(customer, now);
  const res = await fetch(`${tp.url}/v1/beacon?key=demo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  if (res.status !== 204) console.error(`beacon ${i}: ${res.status}`);
  await new Promise((r) => setTimeout(r, 1000 / perSecond));
}
const deadline = Date.now() + 10_000;
while (received.size < incidents && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

const latencies = [...sent].filter(([c]) => received.has(c)).map(([c, t]) => received.get(c)! - t).sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
console.log(`time-to-outreach, beacon POST → webhook received: ${latencies.length}/${incidents} incidents, p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${latencies.at(-1)} ms (goal: p95 < 1000 ms)`);
const buckets = (await tp.registry.metrics()).split('\n').filter((l) => l.startsWith('touchpoint_time_to_outreach_seconds_bucket'));
console.log(buckets.join('\n'));
await tp.close();
receiver.close();
if (latencies.length < incidents) process.exitCode = 1;
