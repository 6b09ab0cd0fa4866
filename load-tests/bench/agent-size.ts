// The browser agent's weight, built the way `npm run build -w agent` builds it (not written out).
import { buildAgent } from '@touchpoint/agent/build';

export interface AgentSize {
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
}

export async function measureAgentSize(): Promise<AgentSize> {
  const b = await buildAgent({ write: false });
  return { rawBytes: b.raw, gzipBytes: b.gzip, budgetBytes: b.budget, withinBudget: b.gzip <= b.budget };
}
