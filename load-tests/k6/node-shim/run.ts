// A small k6 stand-in to run the scenario scripts' logic in Node (CI has no k6): setup(), N
// iterations of the default function on one VU, teardown(), then the thresholds of `options`
// evaluated on what the shims recorded. Executors are not emulated: it runs SHIM_ITERATIONS
// iterations. Exit code 99 when a threshold is crossed, as k6.
//   node --import tsx --import ./load-tests/k6/node-shim/register.ts load-tests/k6/node-shim/run.ts load-tests/k6/smoke.js
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { samples, type Sample } from './samples.ts';

const script = resolve(process.argv[2] ?? '');
Object.assign(globalThis, {
  __ENV: { ...process.env },
  __VU: 1,
  __ITER: 0,
  // k6 resolves open() from the script's directory.
  open: (path: string) => readFileSync(resolve(dirname(script), path), 'utf8'),
});

interface ScenarioModule {
  options?: { thresholds?: Record<string, string[]> };
  setup?: () => unknown;
  default: (data: unknown) => void;
  teardown?: (data: unknown) => void;
}
const mod = (await import(pathToFileURL(script).href)) as ScenarioModule;
const data = mod.setup?.();
const iterations = Number(process.env.SHIM_ITERATIONS ?? 50);
for (let i = 0; i < iterations; i++) {
  (globalThis as { __ITER?: number }).__ITER = i;
  mod.default(data);
}
mod.teardown?.(data);

const thresholds: Record<string, { expression: string; value: number; ok: boolean }[]> = {};
let failed = false;
for (const [key, expressions] of Object.entries(mod.options?.thresholds ?? {})) {
  const m = /^([\w.]+)(?:\{(\w+):([^}]*)\})?$/.exec(key);
  if (!m) throw new Error(`shim: cannot read threshold key ${key}`);
  const [, metric, tag, tagValue] = m;
  const picked = samples.filter((s) => s.metric === metric && (!tag || s.tags[tag] === tagValue));
  thresholds[key] = expressions.map((expression) => {
    const e = /^(count|rate|avg|max|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|==|<|>)\s*(-?[\d.]+)$/.exec(expression);
    if (!e) throw new Error(`shim: cannot read threshold ${expression}`);
    const [, agg = '', p, op = '', limit] = e;
    const value = aggregate(picked, agg, p);
    const ok = compare(value, op, Number(limit));
    failed ||= !ok;
    return { expression, value, ok };
  });
}

function aggregate(xs: Sample[], agg: string, p: string | undefined): number {
  const v = xs.map((s) => s.value);
  if (agg === 'count') return v.reduce((a, b) => a + b, 0);
  if (v.length === 0) return 0;
  if (agg === 'rate') return v.filter((x) => x !== 0).length / v.length;
  if (agg === 'avg') return v.reduce((a, b) => a + b, 0) / v.length;
  const sorted = [...v].sort((a, b) => a - b);
  if (agg === 'max') return sorted[sorted.length - 1] ?? 0;
  const q = Number(p) / 100;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function compare(a: number, op: string, b: number): boolean {
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : a === b;
}

const counter = (name: string) => samples.filter((s) => s.metric === name).reduce((a, s) => a + s.value, 0);
console.log(JSON.stringify({ acked: counter('tp_beacons_acked'), stored: counter('tp_beacons_stored'), requests: counter('http_reqs'), thresholds }));
process.exit(failed ? 99 : 0);
