import { describe, expect, it } from 'vitest';
import { scrubBrowserText, scrubUrl } from './privacy.ts';
import { LOOK_ALIKES, PII_CORPUS } from './testing/pii-corpus.ts';

const leaks = (out: string, needles: string[]) => needles.filter((n) => out.toLowerCase().includes(n.toLowerCase()));

describe('scrubUrl', () => {
  it.each([
    // secret parameters by name, in the query and the fragment, any case, an encoded name too
    ['https://x.example/cb?code=abc123&state=ok', 'https://x.example/cb?code=[redacted]&state=ok'],
    ['https://x.example/?id_token=eyJ.a.b#access_token=zzz&state=1', 'https://x.example/?id_token=[redacted]#access_token=[redacted]&state=1'],
    ['https://x.example/x?Acc%65ss_Token=zzz&b=1', 'https://x.example/x?Acc%65ss_Token=[redacted]&b=1'],
    ['/relative/path?sid=1&PHPSESSID=2', '/relative/path?sid=[redacted]&PHPSESSID=[redacted]'],
    // a secret nested in another parameter's encoded value, once or twice encoded
    ['https://x.example/login?next=%2Fcb%3Ftoken%3Dabc&lang=en', 'https://x.example/login?next=%2Fcb%3Ftoken%3D[redacted]&lang=en'],
    ['https://x.example/login?next=%252Fcb%253Ftoken%253Dabc', 'https://x.example/login?next=%2Fcb%3Ftoken%3D[redacted]'],
    // personal data in path segments, values, the host's credentials and hash routes
    ['https://x.example/users/john.doe%40example.com/orders?page=2', 'https://x.example/users/[email]/orders?page=2'],
    ['https://x.example/u/kim@example.com/', 'https://x.example/u/[email]/'],
    ['https://x.example/ssn/123-45-6789/x', 'https://x.example/ssn/[id]/x'],
    ['https://x.example/pay?card=4111+1111+1111+1111&x=1', 'https://x.example/pay?card=[card]&x=1'],
    ['https://x.example/p?phone=%2B61412345678', 'https://x.example/p?phone=[phone]'],
    ['https://kim:pa55@x.example/x', 'https://[redacted]@x.example/x'],
    ['https://x.example/#/users/kim@x.com?token=abc', 'https://x.example/#/users/[email]?token=[redacted]'],
    ['https://x.example/api/%22password%22%3A%22hunter2%22', 'https://x.example/api/%22password%22%3A%22[redacted]%22'],
    ['mailto:kim@example.com', 'mailto:[email]'],
    // the untouched parts keep their bytes, non-ASCII escapes included
    ['https://x.example/caf%C3%A9/kim%40x.com?q=%E2%9C%93', 'https://x.example/caf%C3%A9/[email]?q=%E2%9C%93'],
    // an empty secret stays empty; malformed escapes pass through
    ['https://x.example/x?token=&b=1', 'https://x.example/x?token=&b=1'],
    ['https://x.example/%E0%A4%A/bad?q=%ZZ', 'https://x.example/%E0%A4%A/bad?q=%ZZ'],
  ])('%s', (input, expected) => expect(scrubUrl(input)).toBe(expected));

  it('scrubs text that cannot be a URL as text', () => {
    expect(scrubUrl('fetch failed: authorization: bearer abc')).toBe('fetch failed: authorization: [redacted]');
  });

  it('does not throw on a lone surrogate in a part it changes', () => {
    expect(scrubUrl('https://x.example/a?e=kim%40x.com%F0\ud800')).toBe('https://x.example/a?e=[email]%F0%EF%BF%BD');
  });

  it('cuts to max', () => expect(scrubUrl('https://x.example/' + 'a'.repeat(3000), 2048)).toHaveLength(2048));

  it.each(LOOK_ALIKES.map((l) => [l.kind, l.value] as const))('keeps a look-alike intact: %s', (_, value) => {
    expect(scrubUrl(value)).toBe(value);
    expect(scrubUrl(`https://shop.example/p/${encodeURIComponent(value)}?q=${encodeURIComponent(value)}#${encodeURIComponent(value)}`)).toBe(
      `https://shop.example/p/${encodeURIComponent(value)}?q=${encodeURIComponent(value)}#${encodeURIComponent(value)}`,
    );
  });

  it.each(PII_CORPUS.map((s) => [s.label, s] as const))('%s: no form of it survives, and scrubbing again changes nothing', (_, s) => {
    for (const f of s.forms) {
      const out = scrubUrl(f.text);
      expect(leaks(out, s.needles), `${f.encoding}: ${f.text} → ${out}`).toEqual([]);
      expect(scrubUrl(out), f.encoding).toBe(out);
    }
  });
});

describe('scrubBrowserText, the agent’s part', () => {
  const covered = new Set(['secret', 'jwt', 'email', 'card']);

  it.each(PII_CORPUS.filter((s) => covered.has(s.class)).map((s) => [s.label, s] as const))('%s: no form of it survives', (_, s) => {
    for (const f of s.forms) expect(leaks(scrubBrowserText(f.text), s.needles), `${f.encoding}: ${f.text}`).toEqual([]);
  });

  it('leaves phones, IBANs and national ids to the collector (but for digit groups it reads as a card)', () => {
    expect(scrubBrowserText('GB82WEST12345698765432 / AB 12 34 56 C / 123-45-6789')).toBe('GB82WEST12345698765432 / AB 12 34 56 C / 123-45-6789');
    expect(scrubBrowserText('call +44 20 7946 0958')).toBe('call +44 20 7946 0958');
  });

  it.each(LOOK_ALIKES.map((l) => [l.kind, l.value] as const))('keeps a look-alike intact: %s', (_, value) => {
    expect(scrubBrowserText(value)).toBe(value);
  });
});
