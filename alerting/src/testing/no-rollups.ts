import type { RollupReader } from '../interfaces/rollup-reader.ts';

/** A RollupReader with no traffic, for tests that do not exercise SRE rules. */
export const noRollups: RollupReader = {
  timingByPath: async () => [],
  errorCounts: async () => ({ errors: 0, pageLoads: 0 }),
};
