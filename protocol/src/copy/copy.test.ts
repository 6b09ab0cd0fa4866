import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { OUTREACH_REASONS } from '../outreach.ts';
import { NUDGE_ACTIONS, SURVEY_KINDS, type NudgePrompt, type NudgeSpec, type SurveyPrompt, type SurveySpec } from '../prompts.ts';
import { COPY_LANGUAGES, COPY_TEMPLATES, EMAIL_TEMPLATES, loadCopy, overriddenLanguages, pickCopyLanguage, renderEmail, renderPrompt, type CopyBook } from './copy.ts';

const builtIn = loadCopy();
const nudge = (over: Partial<NudgeSpec> = {}): NudgeSpec => ({ kind: 'nudge', id: 'n-1', incident: 'checkout_error/co-1', reason: 'checkout_error', actions: [...NUDGE_ACTIONS], supportUrl: 'https://shop.example/help', amount: '10.00 EUR', ...over });
const survey = (over: Partial<SurveySpec> = {}): SurveySpec => ({ kind: 'survey', id: 's-1', survey: 'ces', trigger: 'complete', comment: true, ...over });
const vars = { shop: 'Shop', amount: '10.00 EUR', supportUrl: 'https://shop.example/help', resumeUrl: 'https://shop.example/basket?token=r1&x=2', unsubscribeUrl: 'https://tp.example/unsubscribe?token=abc.def&lang=de' };

function projectDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tp-copy-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}
function loadError(files: Record<string, unknown>): ConfigError {
  try {
    loadCopy(projectDir(files));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadCopy accepted a bad file');
}

describe('built-in copy', () => {
  it('renders every email in every language: subject, text and HTML, with the basket link, help and unsubscribe lines', () => {
    for (const lang of COPY_LANGUAGES) {
      for (const template of EMAIL_TEMPLATES) {
        const m = renderEmail(builtIn, template, lang, vars);
        const at = `${lang} ${template}`;
        expect(m.language, at).toBe(lang);
        expect(m.subject, at).toContain('Shop');
        expect(m.subject, at).not.toMatch(/[\r\n]/);
        expect(m.text, at).toContain(vars.supportUrl);
        expect(m.text, at).toContain(vars.resumeUrl);
        expect(m.text, at).toContain(vars.unsubscribeUrl);
        expect(m.html, at).toContain(`lang="${lang}"`);
        expect(m.html, at).toContain(`href="${vars.resumeUrl.replace(/&/g, '&#38;')}"`);
        expect(m.html, at).toContain(`href="${vars.unsubscribeUrl.replace(/&/g, '&#38;')}"`);
        expect(`${m.subject}${m.text}${m.html}`, at).not.toMatch(/\{\{|\}\}|undefined/);
      }
    }
  });

  it('leaves out the basket link, the help line and the unsubscribe line when there is none', () => {
    const m = renderEmail(builtIn, 'checkout_error', 'en', { shop: 'Shop' });
    expect(m.text).toBe(
      'We noticed that your payment at Shop did not go through just now.\n\n' +
        'If you would still like to order, you can try again whenever it suits you. If something is in the way, reply to this email and let us know.\n\n' +
        'The Shop team\n',
    );
    expect(m.html).not.toContain('<a ');
    // The basket email still reads right without a link (the shop gave no resumeUrl).
    expect(renderEmail(builtIn, 'basket', 'en', { shop: 'Shop' }).text).toContain('Reply to this email');
  });

  it('renders every nudge and survey in every language, with every label', () => {
    for (const lang of COPY_LANGUAGES) {
      for (const reason of OUTREACH_REASONS) {
        const p = renderPrompt(builtIn, nudge({ reason }), lang, { shop: 'Shop' }) as NudgePrompt;
        expect(p).toMatchObject({ kind: 'nudge', lang, reason, id: 'n-1' });
        for (const s of [p.title, p.body, p.phoneLabel, p.sendLabel, p.done, p.close, ...p.actions.map((a) => a.label)]) expect(s, `${lang} ${reason}`).toMatch(/\S/);
        expect(p.actions.map((a) => a.action)).toEqual(NUDGE_ACTIONS);
        expect(p.actions.find((a) => a.action === 'support')?.href).toBe('https://shop.example/help');
        expect(new Set(p.actions.map((a) => a.label)).size, `${lang}: four different labels`).toBe(4);
      }
      for (const kind of SURVEY_KINDS) {
        const p = renderPrompt(builtIn, survey({ survey: kind }), lang, { shop: 'Shop' }) as SurveyPrompt;
        expect(p).toMatchObject({ kind: 'survey', lang, survey: kind });
        expect(p.question).toContain('Shop');
        for (const s of [p.low, p.high, p.commentLabel, p.sendLabel, p.done, p.close]) expect(s, `${lang} ${kind}`).toMatch(/\S/);
        expect(p.low).not.toBe(p.high);
      }
    }
  });

  it('offers the phone field and the comment box only when asked', () => {
    const p = renderPrompt(builtIn, nudge({ actions: ['retry'] }), 'en', { shop: 'S' }) as NudgePrompt;
    expect(p.phoneLabel).toBeUndefined();
    expect(p.body).toBe('Your payment of 10.00 EUR did not go through.');
    expect((renderPrompt(builtIn, survey({ comment: false }), 'en', { shop: 'S' }) as SurveyPrompt).commentLabel).toBeUndefined();
  });

  it('picks the language by its base and falls back to English', () => {
    expect(pickCopyLanguage('nl-BE')).toBe('nl');
    expect(renderEmail(builtIn, 'checkout_error', 'de-AT', { shop: 'S' }).language).toBe('de');
    expect(renderEmail(builtIn, 'checkout_error', 'pt-BR', { shop: 'S' }).language).toBe('en');
    expect(renderEmail(builtIn, 'checkout_error', undefined, { shop: 'S' }).language).toBe('en');
    expect(renderPrompt(builtIn, survey(), 'xx', { shop: 'S' }).lang).toBe('en');
  });

  it('claims nothing Touchpoint cannot know, in any language', () => {
    // Charged, basket kept, whose fault, "we are looking into it": the shop may know, we do not.
    const claims = /charged|basket is saved|our fault|looking into|belastet|Warenkorb ist gespeichert|lag an uns|kümmern uns|débité|panier est conservé|vient de chez nous|nous en occupons|cobrado|carrito está guardado|fue nuestro|revisando|afgeschreven|is bewaard|onze schuld|zoeken het uit/i;
    for (const lang of COPY_LANGUAGES) {
      for (const template of EMAIL_TEMPLATES) {
        const m = renderEmail(builtIn, template, lang, { shop: 'Shop', amount: '10.00 EUR' });
        expect(`${m.subject} ${m.text}`, `${lang} ${template}`).not.toMatch(claims);
      }
      for (const reason of OUTREACH_REASONS) expect(JSON.stringify(renderPrompt(builtIn, nudge({ reason }), lang, { shop: 'Shop' }))).not.toMatch(claims);
    }
  });
});

describe('escaping', () => {
  const shop = '<script>alert(1)</script> & "Co"';

  it('escapes variables in HTML and keeps them as written in the text part and prompts', () => {
    for (const template of EMAIL_TEMPLATES) {
      const m = renderEmail(builtIn, template, 'en', { ...vars, shop });
      expect(m.html).not.toContain('<script>');
      expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
      expect(m.text).toContain(shop);
    }
    expect((renderPrompt(builtIn, survey(), 'en', { shop }) as SurveyPrompt).question).toContain(shop);
  });

  it('keeps subjects and prompt strings on one line, whatever the shop name', () => {
    const m = renderEmail(builtIn, 'checkout_error', 'en', { shop: 'Shop\r\nBcc: victim@example.com' });
    expect(m.subject).toBe('Your order at Shop Bcc: victim@example.com did not go through');
    const p = renderPrompt(builtIn, survey(), 'en', { shop: 'A\nB\u2028C' }) as SurveyPrompt;
    expect(p.question).toBe('How easy was it to order at A B C?');
  });

  it('puts only http(s) links into an email', () => {
    const m = renderEmail(builtIn, 'basket', 'en', { shop: 'S', resumeUrl: 'javascript:alert(1)', unsubscribeUrl: 'https://tp.example/u" onclick="x' });
    expect(m.html).not.toContain('javascript:');
    expect(m.html).not.toContain('onclick');
    expect(m.text).not.toContain('javascript:');
  });
});

describe('project files', () => {
  it('override any subset of keys and languages, falling back key by key: project language, project English, built-in language, built-in English', () => {
    const book = loadCopy(
      projectDir({
        'en.json': { emails: { checkout_error: { subject: 'Oops at {{shop}}' }, common: { signoff: 'Love, {{shop}}' } }, nudges: { common: { title: 'Need a hand?' } } },
        'nl.json': { emails: { checkout_error: { paragraphs: ['Je betaling is niet gelukt. Je bent niets kwijt.'] } } },
        'notes.txt': 'not a copy file: ignored',
      }),
    );
    const nl = renderEmail(book, 'checkout_error', 'nl', { shop: 'Shop' });
    expect(nl.subject).toBe('Oops at Shop'); // the project's English before the built-in Dutch
    expect(nl.text).toContain('Je bent niets kwijt.'); // the project's Dutch
    expect(nl.text).toContain('Love, Shop'); // the project's English common key
    expect(nl.text).not.toContain('We noticed');
    const de = renderEmail(book, 'checkout_stuck', 'de', { shop: 'Shop' });
    expect(de.subject).toBe('Können wir bei Ihrer Bestellung bei Shop helfen?'); // built-in German
    expect((renderPrompt(book, nudge(), 'fr', { shop: 'Shop' }) as NudgePrompt).title).toBe('Need a hand?');
    expect((renderPrompt(book, nudge(), 'fr', { shop: 'Shop' }) as NudgePrompt).close).toBe('Fermer');
    expect(overriddenLanguages(book, 'email.checkout_error')).toEqual(['en', 'nl']);
    expect(overriddenLanguages(book, 'survey.nps')).toEqual([]);
    expect(overriddenLanguages(builtIn, 'email.basket')).toEqual([]);
  });

  it('may say what the shop knows, with {{#if}} and {{#unless}}', () => {
    const book = loadCopy(projectDir({ 'en.json': { emails: { checkout_error: { paragraphs: ['{{#unless amount}}Nothing was taken.{{else}}{{amount}} was not taken.{{/unless}}'] } } } }));
    expect(renderEmail(book, 'checkout_error', 'en', { shop: 'S', amount: '5 EUR' }).text).toContain('5 EUR was not taken.');
    expect(renderEmail(book, 'checkout_error', 'en', { shop: 'S' }).text).toContain('Nothing was taken.');
  });

  it('refuses a bad file with a ConfigError naming the file and the key', () => {
    const cases: [files: Record<string, unknown>, file: string, message: RegExp][] = [
      [{ 'en.json': '{ "emails": ' }, 'en.json', /not valid JSON/],
      [{ 'pt.json': {} }, 'pt.json', /no such language/],
      [{ 'en.json': { email: {} } }, 'en.json', /: email: unknown section/],
      [{ 'en.json': { emails: { checkout_eror: { subject: 'x' } } } }, 'en.json', /: emails\.checkout_eror: unknown template/],
      [{ 'en.json': { surveys: { nps: { title: 'x' } } } }, 'en.json', /: surveys\.nps\.title: unknown key/],
      [{ 'de.json': { emails: { basket: { subject: 'Hallo {{shpo}}' } } } }, 'de.json', /: emails\.basket\.subject: unknown variable \{\{shpo\}\}/],
      [{ 'fr.json': { nudges: { common: { title: 'Aide {{#if shop}}' } } } }, 'fr.json', /: nudges\.common\.title: syntax error/],
      [{ 'en.json': { emails: { basket: { paragraphs: ['ok', '{{{shop}}}'] } } } }, 'en.json', /: emails\.basket\.paragraphs\[1\]: \{\{\{…\}\}\} \(unescaped output\) is not allowed/],
      [{ 'en.json': { emails: { basket: { subject: 'a\nBcc: x' } } } }, 'en.json', /: emails\.basket\.subject: must be one line/],
      [{ 'en.json': { emails: { basket: { subject: '{{> footer}}' } } } }, 'en.json', /: emails\.basket\.subject: partials are not allowed/],
      [{ 'en.json': { emails: { basket: { subject: '{{#each shop}}x{{/each}}' } } } }, 'en.json', /: emails\.basket\.subject: only \{\{#if variable\}\}/],
      [{ 'en.json': { emails: { basket: { subject: '{{lookup shop "x"}}' } } } }, 'en.json', /: emails\.basket\.subject: only \{\{variable\}\}/],
      [{ 'en.json': { emails: { basket: { subject: '{{shop.length}}' } } } }, 'en.json', /unknown variable \{\{shop\.length\}\}/],
      [{ 'en.json': { emails: { basket: { subject: '{{@root}}' } } } }, 'en.json', /unknown variable/],
      [{ 'en.json': { emails: { basket: { subject: 42 } } } }, 'en.json', /: emails\.basket\.subject: must be a string/],
      [{ 'en.json': { emails: { basket: { paragraphs: 'one' } } } }, 'en.json', /: emails\.basket\.paragraphs: must be a list/],
      [{ 'en.json': [] }, 'en.json', /must be an object/],
      [{ 'en.json': '{"emails":{"__proto__":{"subject":"x"}}}' }, 'en.json', /unknown template/],
      [{ 'en.json': '{"__proto__":{}}' }, 'en.json', /unknown section/],
    ];
    for (const [files, file, message] of cases) {
      const err = loadError(files);
      expect(err.code, file).toBe('TP_ERR_COPY_FILE');
      expect(err.message, JSON.stringify(files)).toMatch(message);
      expect(err.message).toContain(file);
      expect(err.message).not.toContain('\n');
    }
  });

  it('refuses a directory that is not there', () => {
    expect(() => loadCopy('/nonexistent/copy')).toThrow(/customer copy \/nonexistent\/copy: cannot read the template directory \(ENOENT\)/);
  });

  it('lists every template by name', () => {
    expect(COPY_TEMPLATES).toEqual([
      'email.checkout_error', 'email.checkout_stuck', 'email.slow_experience', 'email.basket',
      'nudge.checkout_error', 'nudge.checkout_stuck', 'nudge.slow_experience',
      'survey.ces', 'survey.csat', 'survey.nps',
    ]);
    const book: CopyBook = {};
    expect(renderEmail(book, 'basket', 'es', { shop: 'S' }).language).toBe('es');
  });
});
