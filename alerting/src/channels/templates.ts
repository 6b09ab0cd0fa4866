/**
 * INTERIM, to delete: the customer copy lives in `@touchpoint/protocol/copy` (template files per
 * project over built-in en, nl, de, fr, es). deliveries-worker.ts still imports this name; it is
 * switched to `renderEmail(project.copy ?? loadCopy(), d.template ?? d.reason, language, …)` by
 * the worker's change of issue 14, and then nothing uses this file. Until then it renders the
 * built-in copy.
 */
import { loadCopy, renderEmail, type CopyVars, type RenderedEmail } from '@touchpoint/protocol/copy';
import type { OutreachReason } from '@touchpoint/protocol/outreach';

export function renderOutreach(reason: OutreachReason, language: string | undefined, vars: CopyVars): RenderedEmail {
  return renderEmail(loadCopy(), reason, language, vars);
}
