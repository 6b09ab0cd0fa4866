/** Where the dashboards' files are, for the collector that serves them at /dashboards/ (wired by `@touchpoint/node`). */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** Files from other packages the UI loads (uPlot; the vitals thresholds), resolved through each package so any hoisting layout works. */
export function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
  return {
    'uPlot.esm.js': join(dist, 'uPlot.esm.js'),
    'uPlot.min.css': join(dist, 'uPlot.min.css'),
    'vitals.json': require.resolve('@touchpoint/protocol/vitals.json'),
  };
}
