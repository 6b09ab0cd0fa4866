/**
 * Builds dist/agent.js (IIFE, minified) from src/script-tag.ts and dist/agent-prompt.js (ES module,
 * the prompt UI the agent imports only when a nudge or survey is due) from src/prompt/show.ts, and
 * checks each one's gzip budget.
 *
 *   npm run build -w agent        prints raw and gzip sizes; exits 1 when either is above its budget
 *
 * `buildAgent()` is what the bench and the end-to-end tests call.
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { TouchpointError } from '@touchpoint/protocol/errors';

/** The budget for the minified + gzipped agent, web-vitals included. */
export const GZIP_BUDGET_BYTES = 8 * 1024;
/** What we aim for. */
export const GZIP_GOAL_BYTES = 6 * 1024;
/** The budget for the prompt chunk (agent-prompt.js), loaded only when a prompt is due. */
export const PROMPT_GZIP_BUDGET_BYTES = 4 * 1024;

export interface AgentBuild {
  /** Absolute path of dist/agent.js. */
  file: string;
  raw: number;
  gzip: number;
  budget: number;
  /** dist/agent-prompt.js, with its own budget. */
  prompt: { file: string; raw: number; gzip: number; budget: number };
}

const overBudget = (name: string, gzip: number, budget: number) => new TouchpointError('TP_ERR_AGENT_OVER_BUDGET', `${name}: ${gzip} B gzipped, budget ${budget} B`);

const common: BuildOptions = {
  bundle: true,
  minify: true,
  // Browsers with PerformanceObserver `buffered` and optional chaining; nothing older is measured.
  target: ['chrome96', 'firefox100', 'safari15.4'],
  legalComments: 'none',
  write: false,
  logLevel: 'silent',
};

/** Builds one entry, writes it to dist/ unless told not to, and measures it. */
async function bundle(entry: string, out: string, opts: { write?: boolean }, extra: BuildOptions) {
  const file = fileURLToPath(new URL(`./dist/${out}`, import.meta.url));
  const result = await build({ ...common, entryPoints: [fileURLToPath(new URL(entry, import.meta.url))], ...extra });
  const bundled = result.outputFiles?.[0]?.text;
  if (!bundled) throw new Error(`esbuild produced no output for ${out}`);
  // A second, safe pass (no `unsafe` options) over esbuild's output: terser's sequences, joined
  // declarations and frequency-ordered names gzip better. Measured on agent.js: 8635 → 8176 B
  // gzipped, what the prompt channel (issue 14) needed to fit in the budget.
  const code = (await minify(bundled, { ecma: 2020, module: extra.format == 'esm', compress: { passes: 2 }, mangle: true })).code;
  if (!code) throw new Error(`terser produced no output for ${out}`);
  if (opts.write !== false) {
    mkdirSync(new URL('./dist/', import.meta.url), { recursive: true });
    // Written aside and renamed: test files build in parallel, and a reader never sees half a file.
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, code);
    renameSync(part, file);
  }
  return { file, raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

export async function buildAgent(opts: { write?: boolean } = {}): Promise<AgentBuild> {
  const core = await bundle('./src/script-tag.ts', 'agent.js', opts, {
    format: 'iife',
    // web-vitals' private members (`_sessionValue`, `_longestInteractionList`…) get short names, as
    // its own published bundle does: −147 B gzipped (issue 17). Our one `_` name, the XHR expando
    // `_tp`, stays as it is: a short name there could meet a page's own property.
    mangleProps: /^_[^_]/,
    reserveProps: /^_tp$/,
  });
  const prompt = await bundle('./src/prompt/show.ts', 'agent-prompt.js', opts, { format: 'esm' });
  return { ...core, budget: GZIP_BUDGET_BYTES, prompt: { ...prompt, budget: PROMPT_GZIP_BUDGET_BYTES } };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const b = await buildAgent();
  const kb = (n: number) => (n / 1024).toFixed(2) + ' KiB';
  console.log(`agent.js         raw ${kb(b.raw)}  gzip ${kb(b.gzip)} = ${b.gzip} B  (budget ${kb(GZIP_BUDGET_BYTES)}, goal ${kb(GZIP_GOAL_BYTES)})  -> ${b.file}`);
  console.log(`agent-prompt.js  raw ${kb(b.prompt.raw)}  gzip ${kb(b.prompt.gzip)} = ${b.prompt.gzip} B  (budget ${kb(PROMPT_GZIP_BUDGET_BYTES)})  -> ${b.prompt.file}`);
  const over = [
    b.gzip > GZIP_BUDGET_BYTES && overBudget('agent.js', b.gzip, GZIP_BUDGET_BYTES),
    b.prompt.gzip > PROMPT_GZIP_BUDGET_BYTES && overBudget('agent-prompt.js', b.prompt.gzip, PROMPT_GZIP_BUDGET_BYTES),
  ].filter((e) => e instanceof TouchpointError);
  for (const e of over) console.error(e.message);
  if (over.length) process.exit(1);
}
