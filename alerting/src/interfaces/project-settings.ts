import type { QuietHours } from '../lib/quiet-hours.ts';

/** What alerting needs to know about a project; the composition root maps its projects to this. */
export interface ProjectAlerting {
  id: string;
  /** Shop name used in customer messages; default: the project id. */
  name?: string;
  /** Link offered in customer messages ("reply or visit …"). */
  supportUrl?: string;
  /** Overrides the TOUCHPOINT_QUIET_HOURS default for this project. */
  quietHours?: QuietHours;
  /** Pseudonymous customer ids never to contact (adds to the suppression set in Redis). */
  suppression?: string[];
}

/** A fixed list, or a function read at every use (projects reloaded at run time). */
export type ProjectSource = ProjectAlerting[] | (() => ProjectAlerting[]);
