// The browser agent's weight, built the way `npm run build -w agent` builds it (not written out).
import { buildAgent } from '@touchpoint/agent/build';

export interface AgentSize {
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
  /** The prompt chunk (agent-prompt.js), loaded only when a nudge or survey is due; its own budget. */
  prompt: { rawBytes: number; gzipBytes: number; budgetBytes: number; withinBudget: boolean };
}

export async function measureAgentSize(opts: { write?: boolean } = { write: false }): Promise<AgentSize> {
  const b = await buildAgent(opts);
  const p = b.prompt;
  return {
    rawBytes: b.raw,
    gzipBytes: b.gzip,
    budgetBytes: b.budget,
    withinBudget: b.gzip <= b.budget,
    prompt: { rawBytes: p.raw, gzipBytes: p.gzip, budgetBytes: p.budget, withinBudget: p.gzip <= p.budget },
  };
}
