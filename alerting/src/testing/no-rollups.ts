import type { RollupReader } from '@touchpoint/protocol/rollups';

/** A RollupReader with no traffic, for tests that do not exercise SRE rules. */
export const noRollups: RollupReader = {
  timingByPath: async () => [],
  errorCounts: async () => ({ errors: 0, pageLoads: 0 }),
};
