import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Touchpoint } from '../touchpoint.ts';
import { startTestTouchpoint, summary, tempDir, waitFor } from '../testing/touchpoint-fixture.ts';

let tp: Touchpoint | undefined;
afterAll(async () => tp?.close());

// Collectors before migration 004 spooled one line per event row (`<table code>\t<row>`). A
// spool such a collector left behind must still be stored after an upgrade.
it('stores a spool segment left in the one-line-per-event format by an older collector', async () => {
  const dataDir = tempDir('legacy-spool');
  const now = Date.now();
  const customer = `legacy-${now}`;
  const lines = [
    'v\t' + JSON.stringify(['demo', now, now, `${customer}-s`, customer, '/cart', 'desktop', 'chrome', 'linux', 'AU', '4g', 'LCP', 1234, 'good', 'navigate', 'img.hero', '', {}]),
    'b\t' + JSON.stringify(['demo', now, now, 0, `${customer}-s`, customer, 'https://shop.example/cart', 'shop.example', '/cart', 'desktop', 'chrome', '120', 'linux', 'AU', '4g', { vital: 1 }]),
  ];
  mkdirSync(join(dataDir, 'spool'), { recursive: true });
  writeFileSync(join(dataDir, 'spool', 'seg-0000000000000001.log'), lines.join('\n') + `\n#${lines.length}\n`);
  tp = await startTestTouchpoint({ DATA_DIR: dataDir });
  const s = await waitFor(async () => {
    const s = await summary(tp!, { customer });
    return s.beacons === 1 && s;
  });
  expect(s.vitals.LCP).toMatchObject({ count: 1, p50: 1234 });
  expect(tp.ingest!.spool.sealed).toHaveLength(0);
});
