/**
 * National-id-like numbers, each in the form it is written in, so order numbers, SKUs and dates
 * do not match (a bare 9-digit number is never taken for an id):
 * - US SSN `123-45-6789` or `123 45 6789`; the never-issued area 000, 666 and 900–999, group 00
 *   and serial 0000 are left alone.
 * - Canadian SIN `130 692 544` / `130-692-544` (Luhn) and Australian TFN `123 456 782` (its
 *   mod-11 check), in 3-3-3 groups.
 * - Brazilian CPF `123.456.789-09`.
 * - UK National Insurance number: two prefix letters from the issued set, six digits, a suffix
 *   A–D, optionally spaced in pairs (`AB 12 34 56 C`, `ab123456c`).
 * - Spanish DNI `12345678Z` (8 digits) and NIE `X1234567L`, with their mod-23 check letter.
 * Not covered (no written form distinctive enough to spare order numbers): Dutch BSN, Indian
 * Aadhaar, French NIR and the like. Collector only: the agent's budget does not hold these.
 *
 * Fixed-length patterns starting at a boundary: a failed attempt costs a handful of steps.
 */
import { dniValid, luhn, tfnValid } from './checksums.ts';
import { ID } from './placeholders.ts';
import { replaceChecked } from './replace-checked.ts';

const DIGIT_IDS = /(^|[^A-Za-z0-9.+\]-])(\d{3}([ -])(?:\d\d\3\d{4}|\d{3}\3\d{3})|\d{3}\.\d{3}\.\d{3}-\d\d)(?!\d)/g;
const NINO = /(^|[^\w\]])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D]\b/gi;
const DNI = /(^|[^\w\]])([XYZ]?\d{7,8})-?([A-Z])\b/gi;

/** The ids written with digits: SSN, SIN, TFN, CPF, DNI and NIE. */
export function scrubNationalIds(s: string): string {
  return replaceChecked(replaceChecked(s, DNI, checkDni), DIGIT_IDS, checkDigitId);
}

function checkDni([, before, number, letter]: RegExpExecArray): string | undefined {
  return number!.length == 8 && dniValid(number!, letter!) ? before + ID : undefined;
}

// Read where the digits stand in the match: a run of 3-digit groups is one match per group, and
// building a digit string for each cost twice the search (measured on `123 123 123 …`).
function checkDigitId([, before, id, sep]: RegExpExecArray): string | undefined {
  const area = id!.slice(0, 3);
  // No separator group: the CPF. id[6] the separator: an SSN (AAA-GG-SSSS); else 3-3-3.
  const valid =
    !sep ||
    (id![6] == sep
      ? area != '000' && area != '666' && id![0] != '9' && id!.slice(4, 6) != '00' && id!.slice(7) != '0000'
      : (luhn(id!) && id![0] != '0' && id![0] != '8') || tfnValid(id!));
  return valid ? before + ID : undefined;
}

/** The UK NINO: six digits at most, in pairs, so no digit run announces it. */
export function scrubNino(s: string): string {
  return s.replace(NINO, `$1${ID}`);
}
