/**
 * Builds dist/agent.js (IIFE, minified) from src/script-tag.ts and checks the gzip budget.
 *
 *   npm run build -w agent        prints raw and gzip size; exits 1 above the budget
 *
 * `buildAgent()` is what the bench and the end-to-end tests call.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TouchpointError } from '@touchpoint/protocol/errors';

/** The budget for the minified + gzipped agent, web-vitals included. */
export const GZIP_BUDGET_BYTES = 8 * 1024;
/** What we aim for. */
export const GZIP_GOAL_BYTES = 6 * 1024;

export interface AgentBuild {
  /** Absolute path of dist/agent.js. */
  file: string;
  raw: number;
  gzip: number;
  budget: number;
}

const overBudget = (gzip: number) => new TouchpointError('TP_ERR_AGENT_OVER_BUDGET', `${gzip} B gzipped, budget ${GZIP_BUDGET_BYTES} B`);

export async function buildAgent(opts: { write?: boolean } = {}): Promise<AgentBuild> {
  const file = fileURLToPath(new URL('./dist/agent.js', import.meta.url));
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./src/script-tag.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers with PerformanceObserver `buffered` and optional chaining; nothing older is measured.
    target: ['chrome96', 'firefox100', 'safari15.4'],
    legalComments: 'none',
    // web-vitals' private members (`_sessionValue`, `_longestInteractionList`…) get short names, as
    // its own published bundle does: −147 B gzipped (issue 17). Our one `_` name, the XHR expando
    // `_tp`, stays as it is: a short name there could meet a page's own property.
    mangleProps: /^_[^_]/,
    reserveProps: /^_tp$/,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output for agent.js');
  if (opts.write !== false) {
    mkdirSync(new URL('./dist/', import.meta.url), { recursive: true });
    writeFileSync(file, code);
  }
  const gzip = gzipSync(code, { level: 9 }).length;
  return { file, raw: code.length, gzip, budget: GZIP_BUDGET_BYTES };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const b = await buildAgent();
  const kb = (n: number) => (n / 1024).toFixed(2) + ' KiB';
  console.log(`agent.js  raw ${kb(b.raw)}  gzip ${kb(b.gzip)}  (budget ${kb(GZIP_BUDGET_BYTES)}, goal ${kb(GZIP_GOAL_BYTES)})  -> ${b.file}`);
  if (b.gzip > GZIP_BUDGET_BYTES) {
    console.error(overBudget(b.gzip).message);
    process.exit(1);
  }
}
