/** GET …/releases?from&to: the releases the agent reported in a window, for markers on the charts. */
import Type, { type Static } from 'typebox';
import { echo, limitQuery, query, testQuery } from './common.ts';

export const ReleasesQuery = query({ limit: limitQuery(20), test: testQuery });
export type ReleasesQuery = Static<typeof ReleasesQuery>;

export const Release = Type.Object({
  release: Type.String(),
  /** Receive time of its first and last beacon in the window, epoch ms. */
  firstAt: Type.Integer(),
  lastAt: Type.Integer(),
  beacons: Type.Integer(),
});
export type Release = Static<typeof Release>;

export const Releases = Type.Object({
  ...echo,
  /** In the order they first appeared. */
  releases: Type.Array(Release),
});
export type Releases = Static<typeof Releases>;
