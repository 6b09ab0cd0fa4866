/**
 * The verification snippet of docs/webhooks.md, taken from the doc as it is and run on webhooks
 * the real worker sent to a real HTTP receiver: it accepts them with either secret of a rotation,
 * and refuses a changed body, a replay older than 5 minutes, and the wrong secret.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from './lib/webhook-signature.ts';
import { startHarness, type Harness } from './testing/harness.ts';
import { signal, waitFor } from './testing/signals.ts';

type Verify = (rawBody: string | Buffer, headers: Record<string, string | string[] | undefined>, secret: string, nowMs?: number) => boolean;

const DOC = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');
const NEW_SECRET = 'new-secret-0123456789abcdef';
const OLD_SECRET = 'old-secret-0123456789abcdef';

/** The ```js block right after the verify-webhook-snippet marker. */
function snippet(): string {
  const m = /<!-- verify-webhook-snippet[^>]*-->\s*```js\n([\s\S]*?)```/.exec(DOC);
  if (!m?.[1]) throw new Error('docs/webhooks.md: no js block after the verify-webhook-snippet marker');
  return m[1];
}

let h: Harness;
let verify: Verify;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tp-snippet-')), 'verify.mjs');
  writeFileSync(file, snippet());
  verify = ((await import(pathToFileURL(file).href)) as { verifyTouchpointWebhook: Verify }).verifyTouchpointWebhook;
  h = await startHarness({ TOUCHPOINT_ALERT_WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}`, TOUCHPOINT_OUTREACH_WEBHOOK_SECRET: 'outreach-secret-0123456789' }, [{ id: 'shop', name: 'Kim’s Shop' }]);
});
afterAll(async () => h?.stop());

describe('the documented verification snippet', () => {
  it('matches the example in the doc', () => {
    expect(DOC).toContain(`v1=${sign('example-secret-123456', 1732179600, '{}')}`);
    expect(verify('{}', { 'x-touchpoint-timestamp': '1732179600', 'x-touchpoint-signature': `v1=${sign('example-secret-123456', 1732179600, '{}')}` }, 'example-secret-123456', 1732179600_000)).toBe(true);
  });

  it('accepts a real alert with the new and the old secret, and refuses changes, replays and other secrets', async () => {
    const c = 'cust-sig';
    await h.producer.send([
      signal('shop', 's-sig', c, { type: 'identify', customer: c, email: 'sig@mail.example', consent: { outreach: true } }),
      signal('shop', 's-sig', c, { type: 'checkout', step: 'start', id: 'co-sig', value: 42, currency: 'EUR' }),
      signal('shop', 's-sig', c, { type: 'checkout', step: 'error', id: 'co-sig', reason: 'card_declined' }),
    ]);
    const hook = await waitFor('the signed marketer alert', () => h.hooks.on('/alerts')[0]);
    expect(String(hook.headers['x-touchpoint-signature']).split(',')).toHaveLength(2); // one per secret while rotating
    const receivedAt = Number(hook.headers['x-touchpoint-timestamp']) * 1000;
    expect(Math.abs(receivedAt - hook.at)).toBeLessThan(60_000);

    expect(verify(hook.raw, hook.headers, NEW_SECRET)).toBe(true);
    expect(verify(Buffer.from(hook.raw), hook.headers, OLD_SECRET)).toBe(true);
    expect(verify(hook.raw.replace('card_declined', 'card_accepted'), hook.headers, NEW_SECRET)).toBe(false);
    expect(verify(`${hook.raw} `, hook.headers, NEW_SECRET)).toBe(false);
    expect(verify(hook.raw, hook.headers, 'another-secret-0123456789')).toBe(false);
    // The same request replayed 5 minutes and 1 second later.
    expect(verify(hook.raw, hook.headers, NEW_SECRET, receivedAt + 301_000)).toBe(false);
    expect(verify(hook.raw, hook.headers, NEW_SECRET, receivedAt + 299_000)).toBe(true);
    // A timestamp moved forward to look fresh breaks the signature.
    expect(verify(hook.raw, { ...hook.headers, 'x-touchpoint-timestamp': String(Math.floor(receivedAt / 1000) + 300) }, NEW_SECRET, receivedAt + 301_000)).toBe(false);
    expect(verify(hook.raw, { ...hook.headers, 'x-touchpoint-signature': undefined }, NEW_SECRET)).toBe(false);

    // The customer webhook has its own secret.
    const outreach = await waitFor('the signed outreach webhook', () => h.hooks.on('/outreach')[0]);
    expect(verify(outreach.raw, outreach.headers, 'outreach-secret-0123456789')).toBe(true);
    expect(verify(outreach.raw, outreach.headers, NEW_SECRET)).toBe(false);
  });
});
