import { createHash } from 'node:crypto';

/**
 * Whether a customer is in the holdout group, deliberately not contacted so the lift of
 * outreach can be measured. Hashing (project, customer) keeps the assignment stable across
 * incidents and workers without storing it, and spreads customers uniformly.
 */
export function inHoldout(project: string, customer: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  const h = createHash('sha256').update(`${project}\u0000${customer}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < share;
}
