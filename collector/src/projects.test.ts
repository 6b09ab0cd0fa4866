import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
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
