/**
 * Check digits that tell a personal number from a number that merely has its shape: a random
 * digit string passes Luhn one time in ten, mod-97 one time in 97, mod-11 one in eleven, so the
 * checks keep order numbers and timestamps out of the placeholders. Inputs are digit (or IBAN)
 * strings of at most a few dozen characters; the callers bound them.
 */

/** Payment cards (ISO/IEC 7812) and Canadian SINs; separators (which sort before '0') are skipped. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length, odd = true; i--; ) {
    const d = digits.charCodeAt(i) - 48;
    // Every other digit from the right doubled, its two digits summed (2d − 9 for d over 4).
    if (d >= 0) (sum += odd ? d : d > 4 ? 2 * d - 9 : 2 * d), (odd = !odd);
  }
  return sum % 10 == 0;
}

/** ISO 13616 IBAN check digits: country and check digits moved to the end, letters as 10–35. */
export function ibanValid(compact: string): boolean {
  let r = 0;
  for (let i = 4, n = compact.length; i < n + 4; i++) {
    // | 32 lower-cases a letter and leaves a digit as it is.
    const c = compact.charCodeAt(i % n) | 32;
    r = (c < 58 ? r * 10 + c - 48 : r * 100 + c - 87) % 97;
  }
  return r == 1;
}

const TFN_WEIGHTS = [1, 4, 3, 7, 5, 8, 6, 9, 10];

/** Australian Tax File Number: weights 1 4 3 7 5 8 6 9 10, sum divisible by 11; separators are skipped. */
export function tfnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0, k = 0; i < digits.length && k < 9; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d >= 0) sum += d * TFN_WEIGHTS[k++]!;
  }
  return sum % 11 == 0;
}

/** Spanish DNI (8 digits) and NIE (X/Y/Z + 7 digits): the letter is the number mod 23. */
export function dniValid(number: string, letter: string): boolean {
  const n = +number.replace(/^[XYZ]/i, (x) => String('XYZ'.indexOf(x.toUpperCase())));
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] == letter.toUpperCase();
}
