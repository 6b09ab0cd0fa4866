/**
 * The micro-survey decisions (issue 14), made by the collector once a beacon is stored: a
 * project with `prompts.survey` asks a session after its checkout completed, after it acted on a
 * nudge, or on one of the survey's pages (`after`, `pages`), for its share of sessions, at most
 * once per session ever. Test traffic is never asked.
 */
import { randomUUID } from 'node:crypto';
import type { BeaconEvent } from '@touchpoint/protocol';
import type { CompiledRoutes } from '@touchpoint/protocol/privacy';
import { inSurveyShare, NUDGE_ACTED, type SurveySpec, type SurveyTrigger } from '@touchpoint/protocol/prompts';
import type { Project } from '../projects.ts';
import type { PromptHub } from './prompt-hub.ts';

/** The once-per-session claim is kept this long: longer than any session lasts. */
export const SURVEY_ONCE_TTL_MS = 24 * 3600_000;

export interface SurveyOccasion {
  trigger: SurveyTrigger;
  /** The checkout that completed (trigger `complete`). */
  checkout?: string;
  /** The incident whose nudge was acted on (trigger `nudge`). */
  incident?: string;
}

/**
 * Whether this beacon's events give its session an occasion to be asked, by the project's
 * survey rules; the first occasion wins (complete, then nudge, then page). Pure: no share, no claim.
 */
export function surveyOccasion(project: Project, path: string, events: readonly BeaconEvent[], pages?: CompiledRoutes): SurveyOccasion | undefined {
  const survey = project.prompts?.survey;
  if (!survey) return undefined;
  const after = survey.after ?? ['complete'];
  if (after.includes('complete')) {
    for (const e of events) if (e.type === 'checkout' && e.step === 'complete') return { trigger: 'complete', checkout: e.id };
  }
  if (after.includes('nudge')) {
    for (const e of events) if (e.type === 'nudge' && NUDGE_ACTED.includes(e.outcome)) return { trigger: 'nudge', incident: e.incident };
  }
  // `path` is the page's route as the beacon was stored (normalizeRoute with the project's routes).
  if (pages?.match(path.split('/').filter(Boolean))) return { trigger: 'page' };
  return undefined;
}

/** The survey prompt for an occasion: a new id, no words (the channel renders them). */
export function surveySpec(project: Project, occasion: SurveyOccasion): SurveySpec {
  const survey = project.prompts!.survey!;
  return {
    kind: 'survey',
    id: randomUUID(),
    survey: survey.kind,
    trigger: occasion.trigger,
    ...(occasion.incident ? { incident: occasion.incident } : {}),
    ...(occasion.checkout ? { checkout: occasion.checkout } : {}),
    comment: survey.comment ?? true,
  };
}

/**
 * Asks the session if its share says so and no survey was claimed for it yet: claims it
 * (`promptKeys.once(…, 'survey')`), then publishes the prompt. True when a survey was published.
 */
export async function askSurvey(hub: Pick<PromptHub, 'claimOnce' | 'publish'>, project: Project, session: string, occasion: SurveyOccasion): Promise<boolean> {
  if (!inSurveyShare(session, project.prompts?.survey?.share ?? 1)) return false;
  if (!(await hub.claimOnce(project.id, session, 'survey', SURVEY_ONCE_TTL_MS))) return false;
  await hub.publish({ project: project.id, session, spec: surveySpec(project, occasion) });
  return true;
}
