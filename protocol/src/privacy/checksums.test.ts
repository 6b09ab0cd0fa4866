import { describe, expect, it } from 'vitest';
import { dniValid, ibanValid, luhn, tfnValid } from './checksums.ts';
import { isSecretKey, SECRET_HINT } from './secret-keys.ts';

describe('check digits', () => {
  it('Luhn', () => {
    for (const d of ['4111111111111111', '5555555555554444', '378282246310005', '130692544']) expect(luhn(d), d).toBe(true);
    for (const d of ['4111111111111112', '1234567812345678']) expect(luhn(d), d).toBe(false);
  });

  it('Luhn and TFN read the digits where they stand, separators skipped', () => {
    for (const d of ['4111 1111 1111 1111', '4111-1111-1111-1111', '3782.822463.10005', '4111+1111+1111+1111', '130 692 544']) expect(luhn(d), d).toBe(true);
    expect(luhn('4111 1111 1111 1112')).toBe(false);
    expect(tfnValid('123 456 782')).toBe(true);
    expect(tfnValid('123-456-789')).toBe(false);
  });

  it('IBAN mod 97, any case', () => {
    for (const i of ['DE89370400440532013000', 'GB82WEST12345698765432', 'fr1420041010050500013m02606', 'NO9386011117947']) expect(ibanValid(i), i).toBe(true);
    for (const i of ['DE89370400440532013001', 'GB82WEST12345698765433']) expect(ibanValid(i), i).toBe(false);
  });

  it('Australian TFN mod 11 and Spanish DNI/NIE letters', () => {
    expect(tfnValid('123456782')).toBe(true);
    expect(tfnValid('123456789')).toBe(false);
    expect(dniValid('12345678', 'Z')).toBe(true);
    expect(dniValid('X1234567', 'l')).toBe(true);
    expect(dniValid('12345678', 'A')).toBe(false);
  });
});

describe('secret keys', () => {
  it.each(['password', 'Password', 'passwd', 'pwd', 'secret', 'client_secret', 'token', 'access_token', 'refresh_token', 'id_token', 'csrfToken', 'api_key', 'apikey', 'X-Api-Key', 'auth', 'authCode', 'Authorization', 'session', 'session_id', 'sid', 'PHPSESSID', 'JSESSIONID', 'otp', 'otp_code', 'pin', 'card_pin', 'cvv', 'cvc', 'signature', 'sig', 'code', 'key', 'private_key', 'jwt', 'cookie', 'credentials', 'ssn', 'dob', 'verification_code'])(
    '%s names a secret',
    (k) => expect(isSecretKey(k)).toBe(true),
  );

  it.each(['shipping', 'author', 'design', 'statusCode', 'postcode', 'opinion', 'inside', 'sortKey', 'keyboard', 'email', 'page', 'ref', 'state', 'lang'])('%s does not', (k) => {
    expect(isSecretKey(k)).toBe(false);
  });

  it('the text-wide hint holds for every secret key, so a text without it can be skipped', () => {
    for (const k of ['password', 'clientSecret', 'accessToken', 'apiKey', 'sessionId', 'signature', 'credential', 'cookie', 'authorization', 'jwt', 'code', 'key', 'pin', 'sid', 'otp', 'cvv', 'cvc', 'csc', 'sig', 'auth', 'pwd', 'pass', 'ssn', 'dob', 'bearer']) {
      expect(SECRET_HINT.test(k), k).toBe(true);
    }
  });
});
