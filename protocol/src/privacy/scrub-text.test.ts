import { describe, expect, it } from 'vitest';
import { scrubBrowserText, scrubText } from './scrub-text.ts';
import { LOOK_ALIKES, PII_CORPUS, PLACEHOLDER_OF } from './testing/pii-corpus.ts';

const leaks = (out: string, needles: string[]) => needles.filter((n) => out.toLowerCase().includes(n.toLowerCase()));

describe('scrubText on the PII corpus', () => {
  it.each(PII_CORPUS.filter((s) => s.class != 'secret').map((s) => [s.label, s] as const))('%s alone becomes its placeholder', (_, s) => {
    expect(scrubText(s.value)).toBe(PLACEHOLDER_OF[s.class]);
  });

  it.each(PII_CORPUS.map((s) => [s.label, s] as const))('%s: no form of it survives, and scrubbing again changes nothing', (_, s) => {
    for (const f of s.forms) {
      const out = scrubText(f.text);
      expect(leaks(out, s.needles), `${f.encoding}: ${f.text} → ${out}`).toEqual([]);
      expect(scrubText(out), f.encoding).toBe(out);
    }
  });

  it('every form fits the shortest free-text field (128 characters)', () => {
    for (const s of PII_CORPUS) for (const f of s.forms) expect(f.text.length, `${s.label} ${f.encoding}`).toBeLessThanOrEqual(128);
  });

  it.each(LOOK_ALIKES.map((l) => [l.kind, l.value] as const))('keeps a look-alike intact: %s', (_, value) => {
    expect(scrubText(value)).toBe(value);
  });
});

describe('scrubText, class by class', () => {
  it.each([
    // emails
    ['mail kim.lee+shop@example.co.uk now', 'mail [email] now'],
    ['<KIM@EXAMPLE.COM>', '<[email]>'],
    ['john.doe%40example.com', '[email]'],
    ['john.doe%2540example.com', '[email]'],
    ['a@b.co,c@d.io;e@f.org', '[email],[email];[email]'],
    // cards: any separator, Luhn, and the printed-like-a-card rule
    ['card 4111111111111111 declined', 'card [card] declined'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['card 4111.1111.1111.1111', 'card [card]'],
    ['card 4111%201111%201111%201111', 'card [card]'],
    ['card 4111+1111+1111+1111', 'card [card]'],
    ['card 1234 5678 9012 3456 (bad checksum, printed like a card)', 'card [card] (bad checksum, printed like a card)'],
    ['amex 3782 822463 10005', 'amex [card]'],
    ['cards 4111 1111 1111 1111 5555 5555 5555 4444', 'cards [card] [card]'],
    ['qty 1 4111 1111 1111 1111', 'qty 1 [card]'],
    ['cust_4111111111111111', 'cust_[card]'],
    // IBANs
    ['IBAN DE89 3704 0044 0532 0130 00 ok', 'IBAN [iban] ok'],
    ['de89370400440532013000', '[iban]'],
    ['BE68 5390 0754 7034 2024 was paid', '[iban] 2024 was paid'],
    ['bad check digits GB82WEST12345698765433', 'bad check digits GB82WEST12345698765433'],
    // phones
    ['call +61412345678', 'call [phone]'],
    ['+44 20 7946 0958', '[phone]'],
    ['0044 20 7946 0958', '[phone]'],
    ['tel:+44 (0)20 7946 0958', 'tel:[phone]'],
    ['ring (02) 9374 4000 today', 'ring [phone] today'],
    ['(0412 345 678) or (02) 9374 4000', '[phone]) or [phone]'],
    ['020 7946 0958', '[phone]'],
    ['0412 345 678 / 0412345678', '[phone] / [phone]'],
    ['(415) 555-2671, 415-555-2671, 415.555.2671, 1-415-555-2671', '[phone], [phone], [phone], [phone]'],
    ['+1 (415) 555-2671', '[phone]'],
    ['phone=%2B61412345678', 'phone=[phone]'],
    ['0412 345 678 4111 1111 1111 1111', '[phone] [card]'],
    // national ids
    ['ssn 123-45-6789', 'ssn [id]'],
    ['ssn 123 45 6789', 'ssn [id]'],
    ['never issued 000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000', 'never issued 000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000'],
    ['NINO AB 12 34 56 C / ab123456c', 'NINO [id] / [id]'],
    ['DNI 12345678Z NIE x1234567l', 'DNI [id] NIE [id]'],
    ['DNI with a wrong letter 12345678A', 'DNI with a wrong letter 12345678A'],
    ['SIN 130-692-544, TFN 123 456 782', 'SIN [id], TFN [id]'],
    ['CPF 123.456.789-09', 'CPF [id]'],
    // header text, any case
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: [redacted]'],
    ['authorization: bearer abc.def', 'authorization: [redacted]'],
    ['PROXY-AUTHORIZATION: Basic dXNlcjpwYXNz', 'PROXY-AUTHORIZATION: [redacted]'],
    ['x-api-key: abc123 failed', 'x-api-key: [redacted] failed'],
    ['X-Auth-Token: abc123', 'X-Auth-Token: [redacted]'],
    ['Cookie: sid=abc; theme=dark\nnext line', 'Cookie: [redacted]\nnext line'],
    ['set-cookie: a=b; Path=/', 'set-cookie: [redacted]'],
    ['fetch failed: Bearer abcdefghijklmnop', 'fetch failed: Bearer [redacted]'],
    // secret pairs: JSON, escaped JSON, JS objects, forms, queries, fragments
    ['{"password":"hunter2","user":"kim"}', '{"password":"[redacted]","user":"kim"}'],
    ['{ "token" : 12345 }', '{ "token" : [redacted] }'],
    ["{'secret': 'abc def'}", "{'secret': '[redacted]'}"],
    ['{\\"password\\":\\"hunter2\\"}', '{\\"password\\":\\"[redacted]\\"}'],
    ['{"message":"password=hunter2"}', '{"message":"password=[redacted]"}'],
    ['password=hunter2&lang=en', 'password=[redacted]&lang=en'],
    ['https://x.example/cb?code=abc123&state=ok', 'https://x.example/cb?code=[redacted]&state=ok'],
    ['https://x.example/?id_token=eyJ.a.b#access_token=zzz', 'https://x.example/?id_token=[redacted]#access_token=[redacted]'],
    ['/reset?Password=Secr3t!&lang=en', '/reset?Password=[redacted]&lang=en'],
    ['?next=%2Fcb%3Ftoken%3Dabc', '?next=/cb?token=[redacted]'],
    ['?next=%252Fcb%253Fsid%253Dabc', '?next=/cb?sid=[redacted]'],
    ['token=[redacted] stays', 'token=[redacted] stays'],
    ['at https://shop.example/app.js?token=abc:10:5', 'at https://shop.example/app.js?token=[redacted]:10:5'],
    ['auth=kim:pa55word&x=1', 'auth=[redacted]&x=1'],
    ['?refresh_token=a&client_secret=b&apiKey=c&X-Api-Key=d&PHPSESSID=e&otp=f&pin=g&cvv=h&sig=i&authCode=j', '?refresh_token=[redacted]&client_secret=[redacted]&apiKey=[redacted]&X-Api-Key=[redacted]&PHPSESSID=[redacted]&otp=[redacted]&pin=[redacted]&cvv=[redacted]&sig=[redacted]&authCode=[redacted]'],
    // JWTs
    ['got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc-def_ghi back', 'got [jwt] back'],
  ])('%s', (input, expected) => expect(scrubText(input)).toBe(expected));

  it('leaves a placeholder alone', () => {
    for (const p of Object.values(PLACEHOLDER_OF)) expect(scrubText(`x ${p} y`)).toBe(`x ${p} y`);
  });

  it('cuts to max after scrubbing, so a value at the cut is still scrubbed', () => {
    expect(scrubText('a'.repeat(5000), 2048)).toHaveLength(2048);
    expect(scrubText('mail kim@example.com', 8)).toBe('mail [em');
    expect(scrubText('short', 512)).toBe('short');
  });
});

// From the two scrubbers this module replaces (collector/src/ingest/scrub.test.ts and
// agent/src/lib/scrub.test.ts), with what changed: header values go whole, phones are found (by the collector).
describe('cases of the scrubbers it replaces', () => {
  it.each([
    ['mail kim.lee+shop@example.co.uk now', 'mail [email] now'],
    ['https://shop.example/checkout?email=kim@example.com&step=2', 'https://shop.example/checkout?email=[email]&step=2'],
    ['Payment failed for kim.lee+shop@mail.example.co.uk', 'Payment failed for [email]'],
    ['https://shop.example/pay?card=4111 1111 1111 1111', 'https://shop.example/pay?card=[card]'],
    ['card 4111-1111-1111-1111 declined', 'card [card] declined'],
    ['5555 5555 5555 4444', '[card]'],
    ['https://api.example/v1?access_token=eyJhbGciOi.x.y&id_token=zzz&page=3', 'https://api.example/v1?access_token=[redacted]&id_token=[redacted]&page=3'],
    ['https://shop.example/?session_id=77&sid=9&api_key=k&password=hunter2', 'https://shop.example/?session_id=[redacted]&sid=[redacted]&api_key=[redacted]&password=[redacted]'],
    ['https://shop.example/#token=abc', 'https://shop.example/#token=[redacted]'],
    ['fetch failed: Authorization Bearer abcdefghijklmnop', 'fetch failed: Authorization Bearer [redacted]'],
    ['Authorization: Bearer abcdefghijklmnop', 'Authorization: [redacted]'],
  ])('%s', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
    expect(scrubBrowserText(input)).toBe(expected);
  });

  it('finds phones on the collector side only (the agent leaves them for the bytes)', () => {
    expect(scrubText('phone 0412 345 678')).toBe('phone [phone]');
    expect(scrubBrowserText('phone 0412 345 678')).toBe('phone 0412 345 678');
  });

  it('keeps timestamps, versions and plain text', () => {
    // 1795511679072 passes Luhn: an epoch-ms timestamp, not a card (cards never start with 1).
    for (const s of [
      'order 1795000000000 placed',
      'order 1795000060000 placed at 1700000000000',
      'customer sum-1795511679072',
      '/p?t=1795511679072',
      'https://shop.example/products/42?page=2',
      'TypeError: x is undefined',
      'at app.js:10:5',
      'at pay (https://cdn.example/react@18.2.0/index.js:10:5)',
      'https://shop.example/products/blue-kettle?ref=home',
      'nothing personal here',
    ]) {
      expect(scrubText(s)).toBe(s);
      expect(scrubBrowserText(s)).toBe(s);
    }
  });

  it('cuts to the field limit', () => {
    expect(scrubBrowserText('a'.repeat(5000), 2048)).toHaveLength(2048);
    expect(scrubBrowserText('a'.repeat(600), 512)).toHaveLength(512);
  });
});

