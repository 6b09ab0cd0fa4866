import { describe, expect, it } from 'vitest';
import { scrub } from './scrub.ts';

describe('scrub', () => {
  it.each([
    ['mail kim.lee+shop@example.co.uk now', 'mail [email] now'],
    ['card 4111111111111111 declined', 'card [card] declined'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['card 1234 5678 9012 3456 (bad checksum, printed like a card)', 'card [card] (bad checksum, printed like a card)'],
    ['https://x.example/cb?code=abc123&state=ok', 'https://x.example/cb?code=[redacted]&state=ok'],
    ['https://x.example/?id_token=eyJ.a.b#access_token=zzz', 'https://x.example/?id_token=[redacted]#access_token=[redacted]'],
    ['/reset?Password=Secr3t!&lang=en', '/reset?Password=[redacted]&lang=en'],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: Bearer [redacted]'],
  ])('%s', (input, expected) => expect(scrub(input)).toBe(expected));

  it('keeps what is not personal data', () => {
    // 1795511679072 passes Luhn: an epoch-ms timestamp, not a card (cards never start with 1).
    for (const s of ['order 1795000000000 placed', 'customer sum-1795511679072', '/p?t=1795511679072', 'https://shop.example/products/42?page=2', 'TypeError: x is undefined', 'at app.js:10:5']) {
      expect(scrub(s)).toBe(s);
    }
  });
});
