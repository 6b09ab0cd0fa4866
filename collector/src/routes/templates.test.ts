import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Touchpoint } from '@touchpoint/node';
import { getJson, startTestTouchpoint, writeProjectsFile } from '@touchpoint/node/testing';
import type { EmailPreview, TemplateList } from '@touchpoint/protocol/api/templates';
import { COPY_LANGUAGES, COPY_TEMPLATES } from '@touchpoint/protocol/copy';
import type { NudgePrompt, SurveyPrompt } from '@touchpoint/protocol/prompts';

let tp: Touchpoint;
const SHOP = 'Fiets <script>alert(1)</script> & Zo';

beforeAll(async () => {
  const projects = writeProjectsFile([{ id: 'shop', key: 'shop-key', origins: ['https://fiets.example'], name: SHOP, supportUrl: 'https://fiets.example/klantenservice' }]);
  tp = await startTestTouchpoint({ TOUCHPOINT_PROJECTS: projects });
});
afterAll(async () => tp?.close());

describe('GET /api/v1/projects/:project/templates', () => {
  it('lists every template with the languages and the variables', async () => {
    const res = await getJson<TemplateList>(tp, '/api/v1/projects/shop/templates');
    expect(res.status).toBe(200);
    expect(res.body.languages).toEqual([...COPY_LANGUAGES]);
    expect(res.body.variables).toEqual(['shop', 'supportUrl', 'amount', 'unsubscribeUrl', 'resumeUrl']);
    expect(res.body.templates.map((t) => t.name)).toEqual([...COPY_TEMPLATES]);
    expect(res.body.templates[0]).toEqual({ name: 'email.checkout_error', kind: 'email', overrides: [] });
  });
});

describe('GET /api/v1/projects/:project/templates/:template/preview', () => {
  it('renders every template in every language with sample data', async () => {
    for (const lang of COPY_LANGUAGES) {
      for (const template of COPY_TEMPLATES) {
        const res = await getJson<EmailPreview | NudgePrompt | SurveyPrompt>(tp, `/api/v1/projects/shop/templates/${template}/preview?lang=${lang}`);
        expect(res.status, `${template} ${lang}`).toBe(200);
        const body = res.body;
        if (body.kind === 'email') {
          expect(body).toMatchObject({ template, language: lang });
          expect(body.subject).toContain(SHOP);
          if (template === 'email.checkout_error' || template === 'email.checkout_stuck') expect(body.text).toContain('149.95 EUR');
          expect(body.text).toContain('https://fiets.example/basket?resume=preview');
          expect(body.text).toContain('https://fiets.example/klantenservice');
          // The answer passes the privacy module like every /api/ answer: the sample token shows as redacted.
          expect(body.text).toMatch(/\/unsubscribe\?token=\S+\n$/);
          expect(body.html).not.toContain('<script>');
          expect(body.html).toContain('Fiets &lt;script&gt;alert(1)&lt;/script&gt; &amp; Zo');
        } else if (body.kind === 'nudge') {
          expect(body).toMatchObject({ lang, reason: template.split('.')[1] });
          expect(body.actions.map((a) => a.action)).toEqual(['retry', 'support', 'email_basket', 'call_back']);
          expect(body.actions[1]?.href).toBe('https://fiets.example/klantenservice');
          expect(body.phoneLabel).toMatch(/\S/);
        } else {
          expect(body).toMatchObject({ lang, survey: template.split('.')[1], trigger: 'complete' });
          expect(body.question).toContain(SHOP);
          expect(body.commentLabel).toMatch(/\S/);
        }
      }
    }
  });

  it('renders English without lang, and the sample amount where the copy has it', async () => {
    const res = await getJson<NudgePrompt>(tp, '/api/v1/projects/shop/templates/nudge.checkout_error/preview');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lang: 'en', title: 'Can we help?', body: 'Your payment of 149.95 EUR did not go through.' });
  });
});

describe('bad inputs', () => {
  it('answers 404 for an unknown project', async () => {
    for (const path of ['/api/v1/projects/nope/templates', '/api/v1/projects/nope/templates/email.basket/preview']) {
      const res = await getJson(tp, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ code: 'TP_ERR_UNKNOWN_PROJECT' });
    }
  });

  it('answers 404 coded for an unknown template', async () => {
    for (const t of ['email.nope', 'email', 'nudge.basket', 'survey.ces.x', 'email.__proto__', 'constructor', 'EMAIL.BASKET', '%20email.basket']) {
      const res = await getJson(tp, `/api/v1/projects/shop/templates/${t}/preview`);
      expect(res.status, t).toBe(404);
      expect(res.body, t).toMatchObject({ statusCode: 404, code: 'TP_ERR_UNKNOWN_TEMPLATE' });
    }
  });

  it('answers 400 coded for a bad language or query, never 500', async () => {
    for (const q of ['lang=pt', 'lang=', 'lang=EN', 'lang=nl-BE', 'lang=en&lang=de', `lang=${'x'.repeat(300)}`, 'lang=%00', 'extra=1']) {
      const res = await getJson(tp, `/api/v1/projects/shop/templates/survey.nps/preview?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body, q).toMatchObject({ statusCode: 400, code: 'TP_ERR_BAD_QUERY' });
    }
    const long = await getJson(tp, `/api/v1/projects/shop/templates/${'x'.repeat(65)}/preview`);
    expect(long.status).toBe(400);
    const badProject = await getJson(tp, '/api/v1/projects/Not_A_Project/templates');
    expect(badProject.status).toBe(400);
  });

  it('needs the admin token', async () => {
    for (const path of ['/api/v1/projects/shop/templates', '/api/v1/projects/shop/templates/email.basket/preview']) {
      const res = await getJson(tp, path, null);
      expect(res.status, path).toBe(401);
      expect(res.body).toMatchObject({ code: 'TP_ERR_UNAUTHORIZED' });
    }
  });
});
