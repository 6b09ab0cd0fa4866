/**
 * What personal data is replaced with. Each placeholder names the class it replaced, so a reader
 * of an error message still sees what was there, and none of them can be mistaken for the data
 * again: scrubbing a scrubbed string changes nothing.
 */
export const EMAIL = '[email]';
export const CARD = '[card]';
export const IBAN = '[iban]';
export const PHONE = '[phone]';
/** National-id-like numbers: see national-ids.ts and digit-runs.ts for the forms. */
export const ID = '[id]';
export const JWT = '[jwt]';
/** The value of a secret: a password, token, key, cookie or credential. */
export const REDACTED = '[redacted]';
