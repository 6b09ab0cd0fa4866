/**
 * npm run bench prompt — the in-page prompt's cost to the page (issue 14): the core agent's and
 * the prompt chunk's gzip sizes against their budgets (8 KiB, 4 KiB), and the layout shift the
 * prompt causes as it appears, measured in real Chromium with a PerformanceObserver('layout-shift')
 * (goal: 0), for a nudge and a survey, with and without prefers-reduced-motion.
 *   node --import tsx load-tests/bench/prompt.ts
 *
 * Prints the table and writes the figures to load-tests/results/prompt.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPromptPage, SAMPLE_NUDGE, SAMPLE_SURVEY } from '@touchpoint/agent/testing/prompt-page';
import { launchChromium } from '@touchpoint/agent/testing/rescue-drill';
import { measureAgentSize } from './agent-size.ts';

// The chunk is read from dist/: build and write it as `npm run build -w agent` does.
const size = await measureAgentSize({ write: true });
const browser = await launchChromium();
const shifts: { prompt: string; motion: string; cls: number }[] = [];
try {
  for (const motion of ['no-preference', 'reduce'] as const) {
    for (const prompt of [SAMPLE_NUDGE, SAMPLE_SURVEY]) {
      const page = await openPromptPage(browser, { reducedMotion: motion });
      try {
        await page.show(prompt);
        shifts.push({ prompt: prompt.kind, motion, cls: await page.cls() });
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
}

const ok = size.withinBudget && size.prompt.withinBudget && shifts.every((s) => s.cls == 0);
const report = { at: new Date().toISOString(), core: { gzipBytes: size.gzipBytes, rawBytes: size.rawBytes, budgetBytes: size.budgetBytes }, chunk: { gzipBytes: size.prompt.gzipBytes, rawBytes: size.prompt.rawBytes, budgetBytes: size.prompt.budgetBytes }, cls: shifts, goalCls: 0, ok };
const outDir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'prompt.json'), JSON.stringify(report, null, 2) + '\n');
process.stdout.write(
  `\nin-page prompt: bundle sizes (gzip, level 9) and layout shift in Chromium\n\n| bundle | gzip B | budget B | raw B |\n| --- | ---: | ---: | ---: |\n` +
    `| agent.js (core) | ${size.gzipBytes} | ${size.budgetBytes} | ${size.rawBytes} |\n| agent-prompt.js (chunk) | ${size.prompt.gzipBytes} | ${size.prompt.budgetBytes} | ${size.prompt.rawBytes} |\n\n` +
    `| prompt | prefers-reduced-motion | layout shift (goal 0) |\n| --- | --- | ---: |\n` +
    shifts.map((s) => `| ${s.prompt} | ${s.motion} | ${s.cls} |`).join('\n') +
    `\n\nwritten to ${join(outDir, 'prompt.json')}\n`,
);
if (!ok) process.exitCode = 1;
