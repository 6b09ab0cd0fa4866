import { describe, expect, it } from 'vitest';
import { beaconSchema } from '@touchpoint/protocol';
import { RELEASE_PATTERN, releaseOf } from './release.ts';

interface StringSchema {
  pattern: string;
  minLength: number;
  maxLength: number;
}
const properties: Record<string, unknown> = beaconSchema.properties;

describe('release', () => {
  it('takes what the schema takes and nothing else', () => {
    const s = properties.release as StringSchema | undefined;
    expect(s, 'protocol/beacon.schema.json has no release field').toBeDefined();
    const bySchema = (v: string) => !!s && v.length >= s.minLength && v.length <= s.maxLength && new RegExp(s.pattern).test(v);
    const cases = ['1.4.2', 'v2024.11.3+build.7', 'shop@3f9c2e1', 'release/2024-11', 'a:b', 'x'.repeat(64), 'x'.repeat(65), '', '1.4 beta', 'ünï', 'a\nb', '<script>', '"q"', 'a_b'];
    for (const v of cases) expect(RELEASE_PATTERN.test(v), JSON.stringify(v)).toBe(bySchema(v));
  });

  it('leaves out what the collector would refuse, so the beacon still goes', () => {
    expect(releaseOf('1.4.2')).toBe('1.4.2');
    expect(releaseOf('1.4 beta')).toBeUndefined();
    expect(releaseOf(142)).toBeUndefined();
    expect(releaseOf(undefined)).toBeUndefined();
  });
});
