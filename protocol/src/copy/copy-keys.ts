/**
 * The layout of a copy file (`<lang>.json`): three sections, the templates of each, and the keys a
 * template has. `common` in a section gives a key to every template of that section in the same
 * file (the sign-off of every email, the "Close" of every nudge), unless the template sets its own.
 */
import { OUTREACH_REASONS } from '../outreach.ts';
import { SURVEY_KINDS } from '../prompts.ts';

export const COPY_LANGUAGES = ['en', 'nl', 'de', 'fr', 'es'] as const;
export type CopyLanguage = (typeof COPY_LANGUAGES)[number];

/** Customer email templates: the outreach reasons and "email me my basket". */
export const EMAIL_TEMPLATES = ['checkout_error', 'checkout_stuck', 'slow_experience', 'basket'] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/** `paragraphs` is a list of strings; every other key is one string. */
export const EMAIL_KEYS = ['subject', 'paragraphs', 'help', 'resume', 'signoff', 'unsubscribe', 'unsubscribeLink'] as const;
export const NUDGE_KEYS = ['title', 'body', 'retry', 'support', 'email_basket', 'call_back', 'phone', 'send', 'done', 'close'] as const;
export const SURVEY_KEYS = ['question', 'low', 'high', 'comment', 'send', 'done', 'close'] as const;

export const COPY_SECTIONS = {
  emails: { templates: EMAIL_TEMPLATES, keys: EMAIL_KEYS },
  nudges: { templates: OUTREACH_REASONS, keys: NUDGE_KEYS },
  surveys: { templates: SURVEY_KINDS, keys: SURVEY_KEYS },
} as const;
export type CopySection = keyof typeof COPY_SECTIONS;
export const COMMON = 'common';

/** Keys whose text may span lines; every other rendered string is made one line (a subject is a mail header). */
export const MULTILINE_KEYS: ReadonlySet<string> = new Set(['paragraphs']);

/** One file's keys, flat: `emails.checkout_error.subject` → its template source. */
export type CopyEntries = Readonly<Record<string, string | readonly string[]>>;

/**
 * Every template a project can preview or override, by name: `email.<template>`,
 * `nudge.<reason>`, `survey.<kind>`.
 */
export const COPY_TEMPLATES = [
  ...EMAIL_TEMPLATES.map((t) => `email.${t}` as const),
  ...OUTREACH_REASONS.map((r) => `nudge.${r}` as const),
  ...SURVEY_KINDS.map((k) => `survey.${k}` as const),
];
export type CopyTemplate = (typeof COPY_TEMPLATES)[number];
export const SECTION_OF = { email: 'emails', nudge: 'nudges', survey: 'surveys' } as const satisfies Record<string, CopySection>;
