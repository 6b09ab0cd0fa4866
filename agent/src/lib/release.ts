/**
 * The beacon's `release` as protocol/beacon.schema.json allows it (release.test.ts keeps the two
 * in step): the collector refuses a beacon whose envelope is invalid, so a release it would refuse
 * is left out rather than cost every event of the page.
 */
export const RELEASE_PATTERN = /^[\w.+:@/-]{1,64}$/;

export const releaseOf = (value: unknown): string | undefined => (typeof value == 'string' && RELEASE_PATTERN.test(value) ? value : undefined);
