import { expect, it } from 'vitest';
import { OUTREACH_REASONS } from '@touchpoint/protocol/outreach';
import { renderOutreach, TEMPLATE_LANGUAGES } from './templates.ts';

it('has every reason in every language, plain text and HTML', () => {
  for (const lang of TEMPLATE_LANGUAGES) {
    for (const reason of OUTREACH_REASONS) {
      const m = renderOutreach(reason, lang, { shop: 'Shop', amount: '10.00 EUR', supportUrl: 'https://shop.example/help' });
      expect(m.language).toBe(lang);
      expect(m.subject).toContain('Shop');
      expect(m.text).toContain('https://shop.example/help');
      expect(m.html).toContain(`lang="${lang}"`);
    }
  }
});

it('picks the customer language by its base and falls back to English', () => {
  expect(renderOutreach('checkout_error', 'de-AT', { shop: 'S' }).language).toBe('de');
  expect(renderOutreach('checkout_error', 'pt-BR', { shop: 'S' }).language).toBe('en');
  expect(renderOutreach('checkout_error', undefined, { shop: 'S' }).language).toBe('en');
});

it('escapes the shop name in HTML', () => {
  expect(renderOutreach('checkout_stuck', 'en', { shop: '<b>S&M</b>' }).html).not.toContain('<b>S&M</b>');
});
