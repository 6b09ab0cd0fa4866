import type { CopyBook } from '@touchpoint/protocol/copy';
import type { ProjectPrompts } from '@touchpoint/protocol/prompts';
import type { QuietHours } from '../lib/quiet-hours.ts';

/** What alerting needs to know about a project; the composition root maps its projects to this. */
export interface ProjectAlerting {
  id: string;
  /** The shop's name in every message, subject and From name; default: the project id. */
  name?: string;
  /** Link offered in customer messages ("reply or visit …"). */
  supportUrl?: string;
  /** Overrides the TOUCHPOINT_QUIET_HOURS default for this project. */
  quietHours?: QuietHours;
  /** Pseudonymous customer ids never to contact (adds to the suppression set in Redis). */
  suppression?: string[];
  /** Language of this project's marketer and SRE alerts; default TOUCHPOINT_ALERT_LANGUAGE. */
  alertLanguage?: string;
  /** Customer ids that test traffic (Signal.synthetic) may still contact; nobody else hears of it. */
  testRecipients?: string[];
  /** In-page prompts (`"prompts"` in the projects file): with `nudges`, a customer whose page is open is offered help there first. */
  prompts?: ProjectPrompts;
  /** The project's customer copy (templates), loaded by the composition root; default the built-in copy. */
  copy?: CopyBook;
}

/** A fixed list, or a function read at every use (projects reloaded at run time). */
export type ProjectSource = ProjectAlerting[] | (() => ProjectAlerting[]);
