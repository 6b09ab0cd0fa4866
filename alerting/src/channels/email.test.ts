import { expect, it } from 'vitest';
import { messageIdFor, smtpOptions } from './email.ts';

it('builds pooled transport options from TOUCHPOINT_SMTP_URL', () => {
  expect(smtpOptions('smtp://127.0.0.1:2525', 5000)).toEqual({
    pool: true,
    maxConnections: 4,
    host: '127.0.0.1',
    port: 2525,
    secure: false,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 5000,
  });
  expect(smtpOptions('smtps://us%40er:p%3Ass@mail.example?requireTLS=true&maxConnections=2&name=shop', 1000)).toMatchObject({
    host: 'mail.example',
    secure: true,
    auth: { user: 'us@er', pass: 'p:ss' },
    requireTLS: true,
    maxConnections: 2,
    name: 'shop',
  });
  expect(() => smtpOptions('http://mail.example', 1000)).toThrow(/smtp:\/\/ or smtps:\/\//);
});

it('derives a stable Message-ID per delivery', () => {
  expect(messageIdFor('a')).toBe(messageIdFor('a'));
  expect(messageIdFor('a')).not.toBe(messageIdFor('b'));
  expect(messageIdFor('a')).toMatch(/^<[0-9a-f]{40}@touchpoint>$/);
});
