/**
 * Customer copy (issue 14): the words of nudges, surveys and customer emails, per project and
 * language. `@touchpoint/protocol/copy` is used by the worker (emails) and the collector (the
 * prompt channel renders prompts in the page's language; the preview route).
 *
 * The built-in copy is `protocol/copy/<lang>.json` (en, nl, de, fr, es); a project may point at
 * a directory of files in the same layout that override any key in any language
 * (docs/templates.md). Templates are Handlebars restricted to `{{variable}}` and
 * `{{#if variable}}` (check-template.ts): HTML parts are escaped by the engine, text parts and
 * prompt strings are not HTML (the agent sets them as text), and every string but an email's
 * paragraphs is made one line, so no shop name or template can add a mail header.
 *
 * A key is looked up in the project's file for the language, the project's English, the
 * built-in language, then built-in English (which has every key: checked when this loads).
 */
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { NudgePrompt, Prompt, PromptSpec, SurveyPrompt } from '../prompts.ts';
import { type CopyVariable } from './check-template.ts';
import { COMMON, COPY_LANGUAGES, COPY_SECTIONS, COPY_TEMPLATES, type CopyEntries, type CopyLanguage, type CopySection, type CopyTemplate, type EmailTemplate, SECTION_OF } from './copy-keys.ts';
import { readCopyDir, readCopyFile } from './read-copy-files.ts';

export { COPY_VARIABLES, type CopyVariable } from './check-template.ts';
export { COPY_LANGUAGES, COPY_TEMPLATES, EMAIL_TEMPLATES, type CopyLanguage, type CopyTemplate, type EmailTemplate } from './copy-keys.ts';

/** A project's copy: its template files over the built-in defaults. */
export interface CopyBook {
  /** The directory the project's templates came from, if any. */
  readonly dir?: string;
  /** The project's own keys, per language file it has (checked when loaded). */
  readonly overrides?: Readonly<Partial<Record<CopyLanguage, CopyEntries>>>;
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

const BUILT_IN_DIR = new URL('../../copy/', import.meta.url);
const BUILT_IN: Readonly<Record<CopyLanguage, CopyEntries>> = Object.fromEntries(
  COPY_LANGUAGES.map((lang) => [lang, readCopyFile(fileURLToPath(new URL(`${lang}.json`, BUILT_IN_DIR)))]),
) as Record<CopyLanguage, CopyEntries>;
const DEFAULT_BOOK: CopyBook = Object.freeze({ overrides: {} });

/** The base of a BCP 47 tag (`nl-BE` → `nl`) when there is copy for it, else English. */
export function pickCopyLanguage(tag: string | undefined): CopyLanguage {
  const base = (tag ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return (COPY_LANGUAGES as readonly string[]).includes(base) ? (base as CopyLanguage) : 'en';
}

/**
 * Loads a project's templates (a directory of `<lang>.json`; relative paths resolved by the
 * caller); throws a ConfigError naming the bad file and key. Without a directory: the built-in copy.
 */
export function loadCopy(dir?: string): CopyBook {
  return dir ? Object.freeze({ dir, overrides: readCopyDir(dir) }) : DEFAULT_BOOK;
}

/** The languages in which a project's files set any key of `template`. */
export function overriddenLanguages(book: CopyBook, template: CopyTemplate): CopyLanguage[] {
  const [kind, name] = template.split('.') as [keyof typeof SECTION_OF, string];
  const section = SECTION_OF[kind];
  return COPY_LANGUAGES.filter((lang) => {
    const entries = book.overrides?.[lang];
    return entries !== undefined && Object.keys(entries).some((k) => k.startsWith(`${section}.${name}.`) || k.startsWith(`${section}.${COMMON}.`));
  });
}

export function isCopyTemplate(name: string): name is CopyTemplate {
  return (COPY_TEMPLATES as readonly string[]).includes(name);
}

export function renderPrompt(book: CopyBook, spec: PromptSpec, lang: string | undefined, vars: CopyVars): Prompt {
  const language = pickCopyLanguage(lang);
  if (spec.kind === 'nudge') {
    const words = texts(book, language, 'nudges', spec.reason, { ...vars, ...(spec.amount ? { amount: spec.amount } : {}), ...(spec.supportUrl ? { supportUrl: spec.supportUrl } : {}) });
    const p: NudgePrompt = {
      kind: 'nudge',
      id: spec.id,
      incident: spec.incident,
      reason: spec.reason,
      lang: language,
      title: words('title'),
      body: words('body'),
      actions: spec.actions.map((action) => ({ action, label: words(action), ...(action === 'support' && spec.supportUrl ? { href: spec.supportUrl } : {}) })),
      ...(spec.actions.includes('call_back') ? { phoneLabel: words('phone') } : {}),
      sendLabel: words('send'),
      done: words('done'),
      close: words('close'),
    };
    return p;
  }
  const words = texts(book, language, 'surveys', spec.survey, vars);
  const p: SurveyPrompt = {
    kind: 'survey',
    id: spec.id,
    survey: spec.survey,
    trigger: spec.trigger,
    ...(spec.incident ? { incident: spec.incident } : {}),
    ...(spec.checkout ? { checkout: spec.checkout } : {}),
    lang: language,
    question: words('question'),
    low: words('low'),
    high: words('high'),
    ...(spec.comment ? { commentLabel: words('comment') } : {}),
    sendLabel: words('send'),
    done: words('done'),
    close: words('close'),
  };
  return p;
}

export function renderEmail(book: CopyBook, template: EmailTemplate, lang: string | undefined, vars: CopyVars): RenderedEmail {
  const language = pickCopyLanguage(lang);
  const text = texts(book, language, 'emails', template, vars);
  const html = texts(book, language, 'emails', template, vars, true);
  const resume = safeLink(vars.resumeUrl);
  const unsubscribe = safeLink(vars.unsubscribeUrl);
  // The paragraphs, the way back to the basket, the support link, the sign-off, the unsubscribe line.
  const parts = [
    ...list(book, language, template).map((p) => ({ text: render(p, vars, false), html: render(p, vars, true) })),
    ...(resume ? [{ text: `${text('resume')}: ${resume}`, html: `<a href="${escapeAttribute(resume)}">${html('resume')}</a>` }] : []),
    ...(vars.supportUrl ? [{ text: text('help'), html: html('help') }] : []),
    { text: text('signoff'), html: html('signoff') },
  ];
  const textPart = `${parts.map((p) => p.text).join('\n\n')}\n${unsubscribe ? `\n--\n${text('unsubscribe')} ${text('unsubscribeLink')}: ${unsubscribe}\n` : ''}`;
  const htmlPart =
    `<!doctype html><html lang="${language}"><body style="font-family:sans-serif;line-height:1.5">` +
    parts.map((p) => `<p>${p.html}</p>`).join('') +
    (unsubscribe ? `<p style="font-size:0.85em;color:#555">${html('unsubscribe')} <a href="${escapeAttribute(unsubscribe)}">${html('unsubscribeLink')}</a></p>` : '') +
    '</body></html>';
  return { language, subject: text('subject'), text: textPart, html: htmlPart };
}

/** The rendered, one-line strings of one template: `words('title')`. */
function texts(book: CopyBook, lang: CopyLanguage, section: CopySection, template: string, vars: CopyVars, html = false): (key: string) => string {
  return (key) => {
    const source = lookup(book, lang, section, template, key);
    if (typeof source !== 'string') throw new Error(`copy: ${section}.${template}.${key} is not a string`);
    return oneLine(render(source, vars, html));
  };
}

function list(book: CopyBook, lang: CopyLanguage, template: EmailTemplate): readonly string[] {
  const source = lookup(book, lang, 'emails', template, 'paragraphs');
  return typeof source === 'string' ? [source] : source;
}

/** Project language → project English → built-in language → built-in English; in each file the template's key, then the section's `common`. */
function lookup(book: CopyBook, lang: CopyLanguage, section: CopySection, template: string, key: string): string | readonly string[] {
  const layers = [book.overrides?.[lang], book.overrides?.en, BUILT_IN[lang], BUILT_IN.en];
  for (const entries of layers) {
    const found = entries?.[`${section}.${template}.${key}`] ?? entries?.[`${section}.${COMMON}.${key}`];
    if (found !== undefined) return found;
  }
  throw new Error(`copy: the built-in English has no ${section}.${template}.${key}`);
}

const hbs = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
/** Compiled once per source and mode; the sources are the checked files' (a bounded set). */
function render(source: string, vars: CopyVars, html: boolean): string {
  const id = `${html ? 'h' : 't'}${source}`;
  let fn = compiled.get(id);
  if (!fn) {
    fn = hbs.compile(source, { noEscape: !html, knownHelpers: { if: true, unless: true }, knownHelpersOnly: true });
    compiled.set(id, fn);
  }
  const data: Record<CopyVariable, string | undefined> = { shop: vars.shop, supportUrl: vars.supportUrl, amount: vars.amount, unsubscribeUrl: vars.unsubscribeUrl, resumeUrl: vars.resumeUrl };
  return fn(data);
}

/** Line breaks and other control characters become one space: these strings are headers, labels and sentences. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** A link goes into an email only as http(s): a `javascript:` resume link from a page is dropped. */
function safeLink(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

const escapeAttribute = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Every key of every template resolves in the built-in English: a gap is a build error, not a customer's blank line.
for (const [section, spec] of Object.entries(COPY_SECTIONS)) {
  for (const template of spec.templates) for (const key of spec.keys) lookup(DEFAULT_BOOK, 'en', section as CopySection, template, key);
}
