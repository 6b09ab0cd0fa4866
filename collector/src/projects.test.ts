import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { ConfigError } from '@touchpoint/protocol/errors';
import { loadProjects } from './projects.ts';

const file = (projects: unknown[]) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tp-projects-')), 'projects.json');
  writeFileSync(path, JSON.stringify({ projects }));
  return path;
};
const shop = { id: 'shop', key: 'k', origins: ['https://shop.example'] };

it('reads the declared checkout steps and the alert language', () => {
  const { registry } = loadProjects(file([{ ...shop, checkoutSteps: ['basket', 'address', 'pay'], alertLanguage: 'de-AT' }]));
  expect(registry.byId('shop')).toMatchObject({ checkoutSteps: ['basket', 'address', 'pay'], alertLanguage: 'de-AT' });
});

it.each([
  ['an empty list', { checkoutSteps: [] }, /checkoutSteps/],
  ['a step twice', { checkoutSteps: ['pay', 'pay'] }, /checkoutSteps/],
  ['the funnel ends as steps', { checkoutSteps: ['start', 'pay'] }, /checkoutSteps\/0/],
  ['a step that is not a string', { checkoutSteps: [3] }, /checkoutSteps\/0/],
  ['a language that is not a tag', { alertLanguage: 'german!' }, /alertLanguage/],
])('refuses %s and names the field', (_name, extra, why) => {
  expect(() => loadProjects(file([{ ...shop, ...extra }]))).toThrow(why);
});

it('reads prompts and templates: the survey pages compiled, the templates directory relative to the file', () => {
  const path = file([{ ...shop, templates: 'copy', prompts: { nudges: { emailWaitMs: 30_000, callBack: true, reasons: ['checkout_error'] }, survey: { kind: 'nps', pages: ['/help/*'], share: 0.25, after: ['complete', 'nudge'] } } }]);
  mkdirSync(join(dirname(path), 'copy'));
  const { registry } = loadProjects(path);
  const p = registry.byId('shop')!;
  expect(p.prompts?.survey).toMatchObject({ kind: 'nps', share: 0.25 });
  expect(registry.surveyPagesOf(p)?.match(['help', 'returns'])).toBe('/help/*');
  expect(registry.copyOf(p).dir).toBe(join(dirname(path), 'copy'));
  // Without templates: the built-in copy, and no survey pages.
  const plain = loadProjects(file([shop])).registry;
  expect(plain.copyOf(plain.byId('shop')!).dir).toBeUndefined();
  expect(plain.surveyPagesOf(plain.byId('shop')!)).toBeUndefined();
});

it.each([
  ['a survey kind that does not exist', { prompts: { survey: { kind: 'stars' } } }, /prompts\/survey\/kind/],
  ['a survey without a kind', { prompts: { survey: { share: 0.5 } } }, /prompts\/survey/],
  ['a share above 1', { prompts: { survey: { kind: 'ces', share: 1.5 } } }, /prompts\/survey\/share/],
  ['a share below 0', { prompts: { survey: { kind: 'ces', share: -0.1 } } }, /prompts\/survey\/share/],
  ['an unknown trigger', { prompts: { survey: { kind: 'ces', after: ['page'] } } }, /prompts\/survey\/after\/0/],
  ['a malformed page pattern', { prompts: { survey: { kind: 'ces', pages: ['help/*'] } } }, /prompts\.survey\.pages of "shop"/],
  ['a negative email wait', { prompts: { nudges: { emailWaitMs: -1 } } }, /prompts\/nudges\/emailWaitMs/],
  ['an email wait over an hour', { prompts: { nudges: { emailWaitMs: 3_600_001 } } }, /prompts\/nudges\/emailWaitMs/],
  ['an unknown nudge reason', { prompts: { nudges: { reasons: ['bored'] } } }, /prompts\/nudges\/reasons\/0/],
  ['a support link that is not http(s)', { prompts: { nudges: { supportUrl: 'javascript:alert(1)' } } }, /prompts\/nudges\/supportUrl/],
  ['an unknown prompts field', { prompts: { popups: true } }, /prompts/],
  ['a templates directory that does not exist', { templates: 'no-such-dir' }, /templates of "shop".*not a directory/],
])('refuses %s with one ConfigError line naming it', (_name, extra, why) => {
  let err: unknown;
  try {
    loadProjects(file([{ ...shop, ...extra }]));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(why);
  expect((err as Error).message).not.toContain('\n');
});
