/**
 * Customer copy (issue 14): the words of nudges, surveys and customer emails, per project and
 * language. `@touchpoint/protocol/copy` is used by the worker (emails) and the collector (the
 * prompt channel renders prompts in the page's language; the preview route).
 *
 * INTERIM: English only, built in. The copy helper replaces this with per-project template files
 * over built-in defaults in en, nl, de, fr, es, rendered by a maintained template engine that
 * escapes by default. The exported signatures are the contract.
 */
import type { NudgePrompt, Prompt, PromptSpec, SurveyPrompt } from '../prompts.ts';
import { SURVEY_SCALES } from '../prompts.ts';

export const COPY_LANGUAGES = ['en', 'nl', 'de', 'fr', 'es'] as const;
export type CopyLanguage = (typeof COPY_LANGUAGES)[number];

/** Customer email templates: the outreach reasons and "email me my basket". */
export const EMAIL_TEMPLATES = ['checkout_error', 'checkout_stuck', 'slow_experience', 'basket'] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/** A project's copy: its template files over the built-in defaults. */
export interface CopyBook {
  /** The directory the project's templates came from, if any. */
  readonly dir?: string;
}

export interface CopyVars {
  /** The shop's name (the project's `name`, else its id). */
  shop: string;
  supportUrl?: string;
  /** e.g. "149.95 AUD" */
  amount?: string;
  unsubscribeUrl?: string;
  /** The shop's link back to the saved basket (`resumeUrl` on the checkout event). */
  resumeUrl?: string;
}

export interface RenderedEmail {
  language: string;
  subject: string;
  text: string;
  html: string;
}

/** The base of a BCP 47 tag (`nl-BE` → `nl`) when there is copy for it, else English. */
export function pickCopyLanguage(tag: string | undefined): CopyLanguage {
  const base = (tag ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return (COPY_LANGUAGES as readonly string[]).includes(base) ? (base as CopyLanguage) : 'en';
}

/** Loads a project's templates (a directory, relative paths resolved by the caller); throws a ConfigError naming the bad file. */
export function loadCopy(dir?: string): CopyBook {
  return dir ? { dir } : {};
}

export function renderPrompt(_book: CopyBook, spec: PromptSpec, lang: string | undefined, vars: CopyVars): Prompt {
  const language = 'en';
  void lang;
  if (spec.kind === 'nudge') {
    const label: Record<string, string> = { retry: 'Try again', support: 'Contact us', email_basket: 'Email me a link to my basket', call_back: 'Call me back' };
    const p: NudgePrompt = {
      kind: 'nudge',
      id: spec.id,
      incident: spec.incident,
      reason: spec.reason,
      lang: language,
      title: 'Can we help?',
      body: spec.reason === 'checkout_error' ? `Your payment${vars.amount ? ` of ${vars.amount}` : ''} did not go through.` : 'Something seems to be in the way.',
      actions: spec.actions.map((action) => ({ action, label: label[action]!, ...(action === 'support' && spec.supportUrl ? { href: spec.supportUrl } : {}) })),
      ...(spec.actions.includes('call_back') ? { phoneLabel: 'Your phone number' } : {}),
      sendLabel: 'Send',
      done: 'Thank you.',
      close: 'Close',
    };
    return p;
  }
  const [min, max] = SURVEY_SCALES[spec.survey];
  const p: SurveyPrompt = {
    kind: 'survey',
    id: spec.id,
    survey: spec.survey,
    trigger: spec.trigger,
    ...(spec.incident ? { incident: spec.incident } : {}),
    ...(spec.checkout ? { checkout: spec.checkout } : {}),
    lang: language,
    question: spec.survey === 'nps' ? `How likely are you to recommend ${vars.shop} to a friend?` : spec.survey === 'ces' ? `How easy was it to order at ${vars.shop}?` : `How satisfied are you with ${vars.shop}?`,
    low: `${min}`,
    high: `${max}`,
    ...(spec.comment ? { commentLabel: 'Anything to add? (optional)' } : {}),
    sendLabel: 'Send',
    done: 'Thank you.',
    close: 'Close',
  };
  return p;
}

export function renderEmail(_book: CopyBook, template: EmailTemplate, lang: string | undefined, vars: CopyVars): RenderedEmail {
  void lang;
  const subject = template === 'basket' ? `Your basket at ${vars.shop}` : `A message from ${vars.shop}`;
  const text = `${vars.resumeUrl ? `Your basket: ${vars.resumeUrl}\n\n` : ''}The ${vars.shop} team\n`;
  return { language: 'en', subject, text, html: `<p>${text}</p>` };
}
