import { describe, expect, it } from 'vitest';
import type { Beacon, BeaconEvent } from '@touchpoint/protocol';
import { syntheticTag } from './synthetic.ts';

const vital: BeaconEvent = { type: 'vital', at: 1, name: 'LCP', value: 1200 };
const b = (over: Partial<Beacon> = {}): Beacon => ({ v: 1, session: 'lz4x9k2abc123', page: 'https://shop.example/', sentAt: 2, events: [vital], ...over });
const real = { testTraffic: false };

describe('syntheticTag', () => {
  it('leaves real traffic alone: an agent session id, no header, no test field', () => {
    expect(syntheticTag(undefined, b(), [vital], real)).toBeUndefined();
    expect(syntheticTag(undefined, b({ test: false }), [vital], {})).toBeUndefined();
    // A session that merely contains the word, or a custom event of another name.
    expect(syntheticTag(undefined, b({ session: 'my-k6-session' }), [{ type: 'custom', at: 1, name: 'load' }], real)).toBeUndefined();
  });

  it('recognises each tag a load test sets, and says which', () => {
    expect(syntheticTag('k6/census-1', b(), [vital], real)).toBe('k6/census-1');
    expect(syntheticTag(['bench/run-9', 'x'], b(), [vital], real)).toBe('bench/run-9');
    expect(syntheticTag(undefined, b({ session: 'k6-census-1-3.a-0badf00d' }), [vital], real)).toBe('k6');
    expect(syntheticTag(undefined, b({ session: 'bench-r1-7-deadbeef' }), [vital], real)).toBe('bench');
    const opening: BeaconEvent = { type: 'custom', at: 1, name: 'loadtest', props: { tool: 'k6', run: 'census-1' } };
    expect(syntheticTag(undefined, b(), [opening, vital], real)).toBe('k6/census-1');
  });

  it('recognises the agent test mode and a test project', () => {
    expect(syntheticTag(undefined, b({ test: true }), [vital], real)).toBe('agent-test');
    expect(syntheticTag(undefined, b(), [vital], { testTraffic: true })).toBe('project-test');
  });

  it('keeps a tag short and harmless whatever the header says', () => {
    expect(syntheticTag('k6/<script>alert(1)</script>', b(), [vital], real)).toBe('k6/scriptalert1/script');
    expect(syntheticTag('x'.repeat(500), b(), [vital], real)).toHaveLength(64);
    expect(syntheticTag('   ', b(), [vital], real)).toBe('load-test');
    expect(syntheticTag('k6/4111111111111111', b(), [vital], real)).toBe('k6/[card]');
    expect(syntheticTag(undefined, b(), [{ type: 'custom', at: 1, name: 'loadtest', props: { tool: '!!' } }], real)).toBe('load-test');
  });
});
