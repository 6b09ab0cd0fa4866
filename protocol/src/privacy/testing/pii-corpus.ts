/**
 * Personal data and secrets in the forms they reach a beacon, for privacy tests
 * (`@touchpoint/protocol/privacy/testing`): this module's own tests, and the collector's
 * end-to-end test, which sends every form in every string field and searches what the API
 * answers for the needles. Plus the look-alikes that must come through untouched.
 *
 * Every form is at most 128 characters, so it fits any free-text field of the schema (labels
 * are the shortest); a field with a pattern (`page` must be http(s)) takes the URL forms.
 */

export type PiiClass = 'email' | 'card' | 'iban' | 'phone' | 'national-id' | 'secret' | 'jwt';

export interface PiiForm {
  /** How the value is written: plain, upper, percent, double-percent, message, json, path, query, fragment, nested… */
  encoding: string;
  text: string;
}

export interface PiiSample {
  class: PiiClass;
  /** What it is, for test names: `US SSN`, `IBAN (DE, spaced)`. */
  label: string;
  value: string;
  /** Any of these in scrubbed output (compared case-insensitively) is a leak: the value, and its bare digits. */
  needles: string[];
  forms: PiiForm[];
}

/** The placeholder `scrubText` writes for each class when the value stands alone. */
export const PLACEHOLDER_OF: Record<PiiClass, string> = {
  email: '[email]',
  card: '[card]',
  iban: '[iban]',
  phone: '[phone]',
  'national-id': '[id]',
  secret: '[redacted]',
  jwt: '[jwt]',
};

const enc = encodeURIComponent;
const encodeEveryByte = (s: string) => [...new TextEncoder().encode(s)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');

/** A personal value in the places and encodings free text and URLs carry it. */
function personal(cls: Exclude<PiiClass, 'secret'>, label: string, value: string): PiiSample {
  const forms: PiiForm[] = [
    { encoding: 'plain', text: value },
    { encoding: 'upper', text: value.toUpperCase() },
    { encoding: 'lower', text: value.toLowerCase() },
    { encoding: 'percent', text: enc(value) },
    { encoding: 'percent-every-byte', text: encodeEveryByte(value) },
    { encoding: 'double-percent', text: enc(enc(value)) },
    { encoding: 'message', text: `Payment declined for ${value}, please retry` },
    { encoding: 'json', text: `{"contact":"${value}","step":2}` },
    { encoding: 'path', text: `https://shop.example/account/${enc(value)}/orders` },
    { encoding: 'query', text: `https://shop.example/checkout?ref=${enc(value)}&step=2` },
    { encoding: 'form-query', text: `https://shop.example/checkout?ref=${enc(value).replace(/%20/g, '+')}&step=2` },
    { encoding: 'fragment', text: `https://shop.example/checkout#ref=${enc(value)}` },
    { encoding: 'nested-query', text: `https://shop.example/login?next=${enc(`/account?ref=${value}`)}` },
  ];
  const digits = value.replace(/\D/g, '');
  return { class: cls, label, value, needles: cls != 'email' && digits.length >= 8 ? [value, digits] : [value], forms: dedupe(forms) };
}

/** A secret behind the keys and headers that carry secrets. */
function secret(label: string, value: string): PiiSample {
  const forms: PiiForm[] = [
    { encoding: 'form-pair', text: `password=${value}&lang=en` },
    { encoding: 'json', text: `{"password":"${value}","user":"kim"}` },
    { encoding: 'json-spaced', text: `{ "token" : "${value}" }` },
    { encoding: 'js-object', text: `{'secret': '${value}'}` },
    { encoding: 'json-escaped', text: `{"body":"{\\"api_key\\":\\"${value}\\"}"}` },
    { encoding: 'json-in-message', text: `{"message":"retry with access_token=${value}"}` },
    { encoding: 'query', text: `https://shop.example/cb?state=ok&code=${value}` },
    { encoding: 'query-case', text: `https://shop.example/reset?Password=${value}&lang=en` },
    { encoding: 'query-encoded-key', text: `https://shop.example/cb?acc%65ss_token=${value}` },
    { encoding: 'fragment', text: `https://shop.example/#access_token=${value}&state=xyz` },
    { encoding: 'nested-query', text: `https://shop.example/login?next=${enc(`/cb?token=${value}`)}` },
    { encoding: 'double-nested-query', text: `https://shop.example/login?next=${enc(enc(`/cb?client_secret=${value}`))}` },
    { encoding: 'path-json', text: `https://shop.example/api/${enc(`{"password":"${value}"}`)}` },
    { encoding: 'header-bearer', text: `fetch failed: authorization: bearer ${value}` },
    { encoding: 'header-basic', text: `Proxy-Authorization: Basic ${value}` },
    { encoding: 'header-api-key', text: `x-api-key: ${value}` },
    { encoding: 'header-auth-token', text: `X-Auth-Token: ${value}` },
    { encoding: 'header-cookie', text: `Cookie: theme=dark; sid=${value}` },
    { encoding: 'header-set-cookie', text: `set-cookie: session=${value}; Path=/; HttpOnly` },
    { encoding: 'bearer-alone', text: `retrying with Bearer ${value}` },
  ];
  return { class: 'secret', label, value, needles: [value], forms };
}

/** A JWT is case-sensitive base64url: upper-cased it is no longer one, so no case forms; and long. */
function jwt(value: string): PiiSample {
  const sample = personal('jwt', 'JWT', value);
  return { ...sample, needles: value.split('.'), forms: sample.forms.filter((f) => f.text.length <= 128 && f.encoding != 'upper' && f.encoding != 'lower') };
}

function dedupe(forms: PiiForm[]): PiiForm[] {
  const seen = new Set<string>();
  return forms.filter((f) => !seen.has(f.text) && seen.add(f.text));
}

export const PII_CORPUS: readonly PiiSample[] = [
  personal('email', 'email', 'john.doe@example.com'),
  personal('email', 'email with a + tag', 'kim.lee+shop@mail.example.co.uk'),
  personal('email', 'email, upper case', 'JANE_SMITH@EXAMPLE.ORG'),
  personal('card', 'Visa, spaced', '4111 1111 1111 1111'),
  personal('card', 'Mastercard, dashed', '5555-5555-5555-4444'),
  personal('card', 'Visa, dotted', '4012.8888.8888.1881'),
  personal('card', 'Discover, bare', '6011111111111117'),
  personal('card', 'Amex, 4-6-5', '3782 822463 10005'),
  personal('card', 'printed like a card, bad checksum', '1234 5678 9012 3456'),
  personal('iban', 'IBAN (DE, spaced)', 'DE89 3704 0044 0532 0130 00'),
  personal('iban', 'IBAN (GB, bare)', 'GB82WEST12345698765432'),
  personal('iban', 'IBAN (FR, lower case)', 'fr14 2004 1010 0505 0001 3m02 606'),
  personal('phone', 'E.164', '+61412345678'),
  personal('phone', 'international, spaced', '+44 20 7946 0958'),
  personal('phone', 'international, 00 prefix', '0044 20 7946 0958'),
  personal('phone', 'international with (0)', '+44 (0)20 7946 0958'),
  personal('phone', 'AU landline', '(02) 9374 4000'),
  personal('phone', 'UK national', '020 7946 0958'),
  personal('phone', 'AU mobile', '0412 345 678'),
  personal('phone', 'US, brackets', '(415) 555-2671'),
  personal('phone', 'US, dashed', '415-555-2671'),
  personal('phone', 'US, international', '+1 (415) 555-2671'),
  personal('national-id', 'US SSN', '123-45-6789'),
  personal('national-id', 'UK NINO, spaced', 'AB 12 34 56 C'),
  personal('national-id', 'UK NINO, bare', 'JG103759A'),
  personal('national-id', 'Spanish DNI', '12345678Z'),
  personal('national-id', 'Spanish NIE', 'X1234567L'),
  personal('national-id', 'Canadian SIN', '130 692 544'),
  personal('national-id', 'Australian TFN', '123 456 782'),
  personal('national-id', 'Brazilian CPF', '123.456.789-09'),
  secret('password', 'hunter2Sup3rS3cret'),
  secret('opaque token', 'tok_9fQ2vLx8Rk3mZpW4'),
  jwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXN0LTQ4MjEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'),
];

export interface LookAlike {
  kind: string;
  value: string;
}

/** Strings that look like personal data and are not: every one must come out unchanged. */
export const LOOK_ALIKES: readonly LookAlike[] = [
  { kind: 'order number', value: 'ORD-2024-000123' },
  { kind: 'order number, bare', value: '100045872' },
  { kind: 'order number in text', value: 'order 100045872 confirmed' },
  { kind: 'epoch ms', value: '1733150000000' },
  { kind: 'epoch ms that passes Luhn', value: '1795511679072' },
  { kind: 'epoch s', value: '1733150000' },
  { kind: 'timestamp in a query', value: 'https://shop.example/p?t=1795511679072&page=2' },
  { kind: 'price', value: '1,299.00' },
  { kind: 'price with currency', value: 'total $49.95 (AUD 1,299.00)' },
  { kind: 'SKU', value: 'SKU-1234-5678' },
  { kind: 'version', value: '1.2.3' },
  { kind: 'Windows build', value: 'v10.0.19045' },
  { kind: 'ISO date', value: '2024-12-02' },
  { kind: 'ISO timestamp', value: '2024-12-02T10:15:30.123Z' },
  { kind: 'UUID request id', value: 'request 123e4567-e89b-12d3-a456-426614174000 failed' },
  { kind: 'HTTP status', value: 'GET /api/cart 503 Service Unavailable' },
  { kind: 'hex colour', value: 'color: #ff0000; background: #123456' },
  { kind: 'IPv4 address', value: 'connect ECONNREFUSED 10.0.12.200:443' },
  { kind: 'float', value: '0.30000000000000004' },
  { kind: 'pi', value: '3.14159265358979323' },
  { kind: 'npm scope in a stack', value: 'at pay (https://cdn.example/react@18.2.0/index.js:10:5)' },
  { kind: 'scoped package', value: '@touchpoint/protocol' },
  { kind: 'stack frame', value: 'TypeError: x is undefined\n    at app.js:10:5' },
  { kind: 'JSON parse error', value: 'Unexpected token } in JSON at position 12' },
  { kind: 'prose with basic', value: 'Basic authentication failed' },
  { kind: 'keys containing secret words', value: 'shipping=express&author=kim&design=1&statusCode=500&postcode=2000' },
  { kind: 'slug URL', value: 'https://shop.example/products/blue-kettle?ref=home' },
  { kind: 'locale and version path', value: 'https://shop.example/en-au/v2/products/kettle-2000' },
  { kind: 'time', value: '10:15:30' },
  { kind: 'time zone offset', value: '+10:00' },
  { kind: 'quantity and size', value: '2 x 500 ml' },
  { kind: 'CSS selector', value: 'div#main > ul.products > li:nth-child(3) > img.hero' },
];
