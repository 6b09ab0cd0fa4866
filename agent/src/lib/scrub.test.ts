import { describe, expect, it } from 'vitest';
import { scrub } from './scrub.ts';

// Strings the agent meets: page URLs, request URLs, error messages and stacks.
const corpus = [
  'https://shop.example/checkout?email=kim@example.com&step=2',
  'Payment failed for kim.lee+shop@mail.example.co.uk',
  'https://shop.example/pay?card=4111 1111 1111 1111',
  'card 4111-1111-1111-1111 declined',
  'card 4111111111111111 declined',
  'order 1795000060000 placed at 1700000000000',
  'https://shop.example/cb?code=abc123&state=xyz',
  'https://api.example/v1?access_token=eyJhbGciOi.x.y&id_token=zzz&page=3',
  'https://shop.example/?session_id=77&sid=9&api_key=k&password=hunter2',
  'https://shop.example/#token=abc',
  'fetch failed: Authorization Bearer abcdefghijklmnop',
  'at pay (https://cdn.example/react@18.2.0/index.js:10:5)',
  'https://shop.example/products/blue-kettle?ref=home',
  'nothing personal here',
  'phone 0412 345 678',
  '5555 5555 5555 4444',
];

describe('scrub', () => {
  it('removes emails, card numbers and secret query values', () => {
    expect(scrub('https://shop.example/checkout?email=kim@example.com&step=2')).toBe('https://shop.example/checkout?email=[email]&step=2');
    expect(scrub('card 4111 1111 1111 1111 declined')).toBe('card [card] declined');
    expect(scrub('card 4111111111111111 declined')).toBe('card [card] declined');
    expect(scrub('x?access_token=eyJ.a.b&id_token=zzz&page=3')).toBe('x?access_token=[redacted]&id_token=[redacted]&page=3');
    expect(scrub('x?password=hunter2&secret=s&auth=a&key=k&session=1&code=c')).toBe(
      'x?password=[redacted]&secret=[redacted]&auth=[redacted]&key=[redacted]&session=[redacted]&code=[redacted]',
    );
  });

  it('keeps timestamps, versions and plain text', () => {
    expect(scrub('order 1795000060000')).toBe('order 1795000060000');
    expect(scrub('at pay (https://cdn.example/react@18.2.0/index.js:10:5)')).toBe('at pay (https://cdn.example/react@18.2.0/index.js:10:5)');
    expect(scrub('https://shop.example/products/blue-kettle?ref=home')).toBe('https://shop.example/products/blue-kettle?ref=home');
  });

  it('cuts to the field limit', () => {
    expect(scrub('a'.repeat(5000))).toHaveLength(2048);
    expect(scrub('a'.repeat(600), 512)).toHaveLength(512);
  });
});
