import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RollupReader, TimingByPath } from '@touchpoint/protocol/rollups';
import { startHarness, type Harness } from '../testing/harness.ts';
import { waitFor } from '../testing/signals.ts';

// The rollups as a table the test edits; the ClickHouse reader has its own tests in the collector.
const timings: Record<string, TimingByPath[]> = { shop: [] };
let errors = { errors: 0, pageLoads: 0 };
const rollups: RollupReader = {
  timingByPath: async ({ project }) => timings[project] ?? [],
  errorCounts: async () => errors,
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ TOUCHPOINT_SRE_INTERVAL: '1h' }, [{ id: 'shop' }], rollups);
});
afterAll(async () => h?.stop());

const sre = () => h.hooks.on('/alerts').filter((x) => x.body.kind === 'sre-alert');

it('fires once per breaching page, stays quiet while firing, resolves when back under', async () => {
  timings.shop = [
    { path: '/checkout', count: 50, value: 3100 },
    { path: '/', count: 50, value: 1200 },
    { path: '/rare', count: 3, value: 9000 }, // too few samples for a verdict
  ];
  errors = { errors: 2, pageLoads: 100 };
  expect((await h.alerting.evaluateSre()).map((t) => `${t.state} ${t.series}`)).toEqual(['firing lcp-p75:/checkout']);
  await waitFor('the firing alert', () => sre()[0]);
  expect(sre()[0]?.body).toMatchObject({ kind: 'sre-alert', project: 'shop', rule: 'lcp-p75', series: 'lcp-p75:/checkout', state: 'firing', path: '/checkout', metric: 'LCP', quantile: 0.75, value: 3100, threshold: 2500, samples: 50, windowSeconds: 300 });

  expect(await h.alerting.evaluateSre()).toEqual([]); // still firing: no repeat

  errors = { errors: 9, pageLoads: 100 };
  timings.shop = [{ path: '/checkout', count: 50, value: 2100 }];
  const next = await h.alerting.evaluateSre();
  expect(next.map((t) => `${t.state} ${t.series}`).sort()).toEqual(['firing error-rate', 'resolved lcp-p75:/checkout']);
  await waitFor('three SRE alerts', () => sre().length === 3);
  expect(sre().find((x) => x.body.state === 'resolved')?.body).toMatchObject({ series: 'lcp-p75:/checkout', value: 2100 });
  expect(sre().find((x) => x.body.rule === 'error-rate')?.body).toMatchObject({ state: 'firing', value: 9, threshold: 5, metric: 'error_rate_percent' });

  // No traffic at all any more: what was firing resolves.
  errors = { errors: 0, pageLoads: 0 };
  timings.shop = [];
  expect((await h.alerting.evaluateSre()).map((t) => `${t.state} ${t.series}`)).toEqual(['resolved error-rate']);
});
