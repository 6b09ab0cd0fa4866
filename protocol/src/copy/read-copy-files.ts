/**
 * Reads a directory of copy files (`en.json`, `nl.json`, …) into flat entries, refusing anything
 * that is not a known section, template, key or variable: a bad file is one line at start-up,
 * naming the file and the key, never a broken email later.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { checkTemplate } from './check-template.ts';
import { COMMON, COPY_LANGUAGES, COPY_SECTIONS, MULTILINE_KEYS, type CopyEntries, type CopyLanguage } from './copy-keys.ts';

/** A paragraph list this long is a mistake, not an email. */
const MAX_PARAGRAPHS = 20;
/** One template's source, at most (a whole email is far shorter). */
const MAX_TEMPLATE_CHARS = 4000;

export function readCopyDir(dir: string): Partial<Record<CopyLanguage, CopyEntries>> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw fileError(dir, undefined, `cannot read the template directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const out: Partial<Record<CopyLanguage, CopyEntries>> = {};
  for (const name of names) {
    const lang = name.slice(0, -'.json'.length);
    const file = join(dir, name);
    if (!(COPY_LANGUAGES as readonly string[]).includes(lang)) throw fileError(file, undefined, `no such language: name the file after one of ${COPY_LANGUAGES.join(', ')} (e.g. nl.json)`);
    out[lang as CopyLanguage] = readCopyFile(file);
  }
  return out;
}

export function readCopyFile(file: string): CopyEntries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fileError(file, undefined, `not valid JSON (${(err as Error).message})`);
  }
  return parseCopy(parsed, file);
}

/** Checks one file's content; `file` names it in errors. */
export function parseCopy(parsed: unknown, file: string): CopyEntries {
  const entries: Record<string, string | readonly string[]> = {};
  const sections = Object.keys(COPY_SECTIONS);
  for (const [section, templates] of objectEntries(parsed, file, undefined)) {
    const spec = COPY_SECTIONS[section as keyof typeof COPY_SECTIONS];
    if (!spec || !Object.hasOwn(COPY_SECTIONS, section)) throw fileError(file, section, `unknown section (the sections are ${sections.join(', ')})`);
    const known: readonly string[] = [COMMON, ...spec.templates];
    for (const [template, keys] of objectEntries(templates, file, section)) {
      const at = `${section}.${template}`;
      if (!known.includes(template)) throw fileError(file, at, `unknown template (${section} has ${known.join(', ')})`);
      for (const [key, value] of objectEntries(keys, file, at)) {
        const path = `${at}.${key}`;
        if (!(spec.keys as readonly string[]).includes(key)) throw fileError(file, path, `unknown key (${at} takes ${spec.keys.join(', ')})`);
        entries[path] = checkValue(value, file, path, MULTILINE_KEYS.has(key));
      }
    }
  }
  return entries;
}

function checkValue(value: unknown, file: string, path: string, list: boolean): string | readonly string[] {
  if (list) {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARAGRAPHS) throw fileError(file, path, `must be a list of 1 to ${MAX_PARAGRAPHS} strings, one per paragraph`);
    return value.map((v, i) => checkString(v, file, `${path}[${i}]`, true));
  }
  return checkString(value, file, path, false);
}

function checkString(value: unknown, file: string, path: string, multiline: boolean): string {
  if (typeof value !== 'string') throw fileError(file, path, 'must be a string');
  if (value.length > MAX_TEMPLATE_CHARS) throw fileError(file, path, `is longer than ${MAX_TEMPLATE_CHARS} characters`);
  if (!multiline && /[\r\n]/.test(value)) throw fileError(file, path, 'must be one line (it is a subject, a label or a sentence)');
  const why = checkTemplate(value);
  if (why) throw fileError(file, path, why);
  return value;
}

function objectEntries(value: unknown, file: string, path: string | undefined): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fileError(file, path, 'must be an object of names to values');
  return Object.entries(value);
}

function fileError(file: string, path: string | undefined, why: string): ConfigError {
  return new ConfigError(`customer copy ${file}${path ? `: ${path}` : ''}: ${why}`, 'TP_ERR_COPY_FILE');
}
