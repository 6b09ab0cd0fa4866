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

it('claims nothing Touchpoint cannot know, in any language', () => {
  // Charged, basket kept, whose fault, "we are looking into it": the shop may know, we do not.
  const claims = /charged|basket is saved|our fault|looking into|belastet|Warenkorb ist gespeichert|lag an uns|kümmern uns|débité|panier est conservé|vient de chez nous|nous en occupons|cobrado|carrito está guardado|fue nuestro|revisando/i;
  for (const lang of TEMPLATE_LANGUAGES) {
    for (const reason of OUTREACH_REASONS) {
      const m = renderOutreach(reason, lang, { shop: 'Shop', amount: '10.00 EUR' });
      expect(`${m.subject} ${m.text}`, `${lang} ${reason}`).not.toMatch(claims);
    }
  }
});

it('carries the unsubscribe link in the text and the HTML, in every language', () => {
  const url = 'https://tp.example/unsubscribe?token=abc.def&lang=de';
  for (const lang of TEMPLATE_LANGUAGES) {
    const m = renderOutreach('checkout_error', lang, { shop: 'Shop', unsubscribeUrl: url });
    expect(m.text).toContain(url);
    expect(m.html).toContain(`href="${url.replace(/&/g, '&#38;')}"`);
  }
  expect(renderOutreach('checkout_error', 'en', { shop: 'Shop' }).text).not.toContain('Unsubscribe');
});
