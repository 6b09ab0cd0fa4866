import { describe, expect, it } from 'vitest';
import { compileRoutes, normalizeRoute } from './route-path.ts';
import { PII_CORPUS } from './testing/pii-corpus.ts';

describe('normalizeRoute', () => {
  it.each([
    ['/account/8812/orders/ORD-2024-000123', '/account/:id/orders/:id'],
    ['https://shop.example/products/blue-kettle?ref=home#reviews', '/products/blue-kettle'],
    ['/en-au/v2/products/kettle-2000/', '/en-au/v2/products/kettle-2000'],
    ['/p/iphone-15/2fa/app.js', '/p/iphone-15/2fa/app.js'],
    ['/fr_FR/v10/help', '/fr_FR/v10/help'],
    ['/o/123e4567-e89b-12d3-a456-426614174000/items', '/o/:id/items'],
    ['/c/5f2b8c1e9a7d4e3b', '/c/:id'],
    ['/t/dGhpc0lzQVRva2VuMTIz', '/t/:id'],
    ['/blog/2024/12/02/post', '/blog/:id/:id/:id/post'],
    ['/page/2', '/page/:id'],
    ['/u/kim@example.com/x', '/u/:id/x'],
    ['/u/kim%40example.com', '/u/:id'],
    ['/cards/4111%201111%201111%201111', '/cards/:id'],
    ['/call/+61412345678', '/call/:id'],
    ['/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', '/reset/:id'],
    ['/cart;jsessionid=ABC123', '/cart'],
    ['//double//slash', '/double/slash'],
    ['https://shop.example/#/products/42', '/products/:id'],
    ['https://shop.example/#!/cart', '/cart'],
    ['/', '/'],
    ['', '/'],
    ['https://shop.example', '/'],
    ['/a/' + 'x'.repeat(70), '/a/:id'],
  ])('%s → %s', (input, expected) => expect(normalizeRoute(input)).toBe(expected));

  it('bounds the route: 12 segments, 200 characters', () => {
    expect(normalizeRoute('/ab'.repeat(20))).toBe('/ab'.repeat(12) + '/…');
    const long = normalizeRoute(('/' + 'word-'.repeat(12)).repeat(10));
    expect(long.length).toBeLessThanOrEqual(202);
    expect(long.endsWith('/…')).toBe(true);
  });

  it('turns every corpus value in a path segment into :id', () => {
    for (const s of PII_CORPUS) {
      for (const f of s.forms.filter((x) => x.encoding == 'path')) expect(normalizeRoute(f.text), s.label).toBe('/account/:id/orders');
    }
  });

  it('is linear on a hostile path', () => {
    const t = performance.now();
    normalizeRoute('/' + 'a1/'.repeat(20_000) + 'x'.repeat(64 * 1024));
    expect(performance.now() - t).toBeLessThan(50);
  });
});

describe('compileRoutes', () => {
  const routes = compileRoutes(['/account/:account/orders', '/docs/*', '/p/:slug']);

  it('a project pattern wins over the heuristic when it matches', () => {
    expect(normalizeRoute('/account/8812/orders', routes)).toBe('/account/:account/orders');
    expect(normalizeRoute('/p/blue-kettle', routes)).toBe('/p/:slug');
    expect(normalizeRoute('/docs/a/b/c', routes)).toBe('/docs/*');
  });

  it('falls back to the heuristic when none matches', () => {
    expect(normalizeRoute('/account/8812/orders/ORD-2024-000123', routes)).toBe('/account/:id/orders/:id');
    expect(normalizeRoute('/docs', routes)).toBe('/docs');
  });

  it.each(['account/:id', '/a//b', '/*/x', ''])('refuses a malformed pattern %j with its name in the message', (p) => {
    expect(() => compileRoutes([p])).toThrow(JSON.stringify(p));
  });
});
