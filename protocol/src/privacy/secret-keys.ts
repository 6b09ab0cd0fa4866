/**
 * Whether a parameter or JSON key names a secret (`password`, `access_token`, `X-Api-Key`,
 * `PHPSESSID`, `authCode`, …), decided on the key lower-cased with its separators squashed out.
 * Long words count wherever they are (`clientSecret`, `csrftoken`); short ones only as the whole
 * key or, for a few, its ending: `shipping` holds `pin`, `author` holds `auth`, `design` holds
 * `sig`, `statusCode` holds `code`, and none of them is a secret.
 */
/** A substring of every secret key and header name: text without one has no secret in it. */
export const SECRET_HINT = /pass|pwd|secret|token|auth|sess|sid|otp|pin|cv[vc]|csc|sig|jwt|cookie|credential|ssn|dob|code|key|bearer/i;
const SECRET_KEY =
  /passw|secret|token|apikey|(private|access|signing)key|sess(ion)?id|signature|credential|cookie|authoriz|jwt|^(code|key|pin|sid|otp|cv[vc]2?|csc|sig|auth|pwd|pass(code|phrase)?|session|ssn|dob)$|(pwd|pin|cv[vc]|(auth|otp|sms|mfa|reset|verify|verification|security|access)code)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_HINT.test(key) && SECRET_KEY.test(key.toLowerCase().replace(/[^a-z\d]/g, ''));
}
