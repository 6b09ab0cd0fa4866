import { describe, expect, it } from 'vitest';
import { personalIdReason } from './personal-id.ts';

describe('personalIdReason', () => {
  it.each([
    ['kim@example.com', 'email'],
    ['KIM%40EXAMPLE.COM', 'email'],
    ['+61412345678', 'phone'],
    ['0412345678', 'phone'],
    ['4111111111111111', 'card'],
    ['DE89370400440532013000', 'iban'],
    ['123-45-6789', 'national-id'],
    ['AB123456C', 'national-id'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'jwt'],
    ['token=abc', 'secret'],
  ])('%s is personal: %s', (id, reason) => expect(personalIdReason(id)).toBe(reason));

  it.each(['cust-4821', 's-7f3a9c2e', 'm4k2x9p1abc12345', '100045872', '1733150000000', '123e4567-e89b-12d3-a456-426614174000', 'ORD-2024-000123', '[email]'])(
    '%s may be stored',
    (id) => expect(personalIdReason(id)).toBeUndefined(),
  );
});
