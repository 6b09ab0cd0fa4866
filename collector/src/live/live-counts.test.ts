import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMetrics } from '../metrics.ts';
import { createCounter, parseCounts } from './live-counts.ts';

describe('live counts', () => {
  it('gives each project its own beacons and events per second', async () => {
    const metrics = createMetrics(new Registry());
    const sample = createCounter(metrics, 'me');
    expect(await sample(0)).toBeUndefined();
    metrics.countAccepted('shop', 5);
    metrics.countAccepted('shop', 3);
    metrics.countAccepted('blog', 1);
    expect(await sample(2000)).toEqual({ id: 'me', t: 2000, projects: { shop: { beacons: 1, events: 4 }, blog: { beacons: 0.5, events: 0.5 } } });
    metrics.countAccepted('blog', 2);
    expect((await sample(3000))?.projects).toEqual({ blog: { beacons: 1, events: 2 } });
  });

  it('reads other collectors\' messages and ignores anything else', () => {
    expect(parseCounts(JSON.stringify({ id: 'x', t: 1, projects: { shop: { beacons: 2, events: 9 }, bad: { beacons: 'many' } } }))).toEqual({
      id: 'x', t: 1, projects: { shop: { beacons: 2, events: 9 } },
    });
    expect(parseCounts(JSON.stringify({ id: 'x', t: 1, beacons: 3, events: 4 }))).toBeUndefined();
    expect(parseCounts('not json')).toBeUndefined();
  });
});
