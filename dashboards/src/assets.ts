/** Where the dashboards' files are, for the collector that serves them at /dashboards/ (wired by `@touchpoint/node`). */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** uPlot's files, resolved through the package so any hoisting layout works. */
export function vendorFiles(): Record<string, string> {
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  return { 'uPlot.esm.js': join(dist, 'uPlot.esm.js'), 'uPlot.min.css': join(dist, 'uPlot.min.css') };
}
