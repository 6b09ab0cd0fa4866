/**
 * GET /api/v1/projects/:project/templates: the customer copy a project has (every template, the
 * languages, which of them the project's own files override, the variables a template may use).
 * GET /api/v1/projects/:project/templates/:template/preview?lang=xx: one template rendered with
 * sample data, as the customer would get it: an email's subject, text and HTML, or the prompt the
 * agent would show (NudgePrompt, SurveyPrompt of prompts.ts). docs/templates.md.
 */
import Type, { type Static } from 'typebox';
import { COPY_LANGUAGES, COPY_TEMPLATES, COPY_VARIABLES } from '../copy/copy.ts';
import { NUDGE_ACTIONS, SURVEY_KINDS, SURVEY_TRIGGERS, type NudgePrompt, type SurveyPrompt } from '../prompts.ts';
import { OUTREACH_REASONS } from '../outreach.ts';
import { Project } from './common.ts';

const Language = Type.Enum(COPY_LANGUAGES);

export const TemplateInfo = Type.Object({
  /** `email.<template>`, `nudge.<reason>`, `survey.<kind>`. */
  name: Type.Enum(COPY_TEMPLATES),
  kind: Type.Enum(['email', 'nudge', 'survey']),
  /** Languages in which the project's files set any key of this template (or its section's `common`). */
  overrides: Type.Array(Language),
});
export type TemplateInfo = Static<typeof TemplateInfo>;

export const TemplateList = Type.Object({
  project: Type.String(),
  languages: Type.Array(Language),
  variables: Type.Array(Type.Enum(COPY_VARIABLES)),
  templates: Type.Array(TemplateInfo),
});
export type TemplateList = Static<typeof TemplateList>;

/** A template name is checked by the route, so an unknown one is a coded 404, not a 400. */
export const TemplateParams = Type.Object({ project: Project, template: Type.String({ minLength: 1, maxLength: 64 }) });
export type TemplateParams = Static<typeof TemplateParams>;

export const PreviewQuery = Type.Object({ lang: Type.Optional(Type.Enum(COPY_LANGUAGES, { default: 'en', description: 'the language to render: en, nl, de, fr or es' })) }, { additionalProperties: false });
export type PreviewQuery = Static<typeof PreviewQuery>;

export const EmailPreview = Type.Object({
  kind: Type.Literal('email'),
  template: Type.String(),
  language: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
});
export type EmailPreview = Static<typeof EmailPreview>;

/** prompts.ts's NudgePrompt as a schema (the two are checked to agree below). */
export const NudgePromptSchema = Type.Object({
  kind: Type.Literal('nudge'),
  id: Type.String(),
  incident: Type.String(),
  reason: Type.Enum(OUTREACH_REASONS),
  lang: Type.String(),
  title: Type.String(),
  body: Type.String(),
  actions: Type.Array(Type.Object({ action: Type.Enum(NUDGE_ACTIONS), label: Type.String(), href: Type.Optional(Type.String()) })),
  phoneLabel: Type.Optional(Type.String()),
  sendLabel: Type.String(),
  done: Type.String(),
  close: Type.String(),
});
/** prompts.ts's SurveyPrompt as a schema. */
export const SurveyPromptSchema = Type.Object({
  kind: Type.Literal('survey'),
  id: Type.String(),
  survey: Type.Enum(SURVEY_KINDS),
  trigger: Type.Enum(SURVEY_TRIGGERS),
  incident: Type.Optional(Type.String()),
  checkout: Type.Optional(Type.String()),
  lang: Type.String(),
  question: Type.String(),
  low: Type.String(),
  high: Type.String(),
  commentLabel: Type.Optional(Type.String()),
  sendLabel: Type.String(),
  done: Type.String(),
  close: Type.String(),
});

export const TemplatePreview = Type.Union([EmailPreview, NudgePromptSchema, SurveyPromptSchema]);
export type TemplatePreview = Static<typeof TemplatePreview>;

// The schemas and the interfaces of prompts.ts say the same, both ways: a field added to one fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree: [Same<Static<typeof NudgePromptSchema>, NudgePrompt>, Same<Static<typeof SurveyPromptSchema>, SurveyPrompt>] = [true, true];
void agree;
