/**
 * IBANs, spaced in fours or not, any case: a country of the IBAN registry, that country's length
 * and valid ISO 13616 check digits. The length comes from the country, so an IBAN followed by
 * another group of four (`BE68 5390 0754 7034 2024`) is read to its end and no further, and a
 * failed candidate costs one check.
 */
import { ibanValid } from './checksums.ts';
import { IBAN } from './placeholders.ts';
import { replaceChecked } from './replace-checked.ts';

const CANDIDATE = /(^|[^\w\]])([A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b/gi;
/** Country code and IBAN length, from the SWIFT IBAN registry. */
const REGISTRY =
  'AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27DK18DO28EE20EG29ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24PL28PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23ST25SV28TL23TN24TR26UA29VA22VG24XK20YE30';
// Built on first use: a table computed at load would stay in every bundle importing this module.
let lengths: Record<string, number> | undefined;

export function scrubIbans(s: string): string {
  return replaceChecked(s, CANDIDATE, checkIban);
}

function checkIban([, before, m]: RegExpExecArray): string | undefined {
  lengths ??= Object.fromEntries(REGISTRY.match(/.{4}/g)!.map((e) => [e.slice(0, 2), +e.slice(2)]));
  const length = lengths[m!.slice(0, 2).toUpperCase()];
  // Where the country's length ends in the candidate as written (spaces included).
  let end = 0;
  for (let alnum = 0; end < m!.length && alnum < (length ?? 99); end++) if (m![end] != ' ') alnum++;
  return length && (end == m!.length || m![end] == ' ') && ibanValid(m!.slice(0, end).replace(/ /g, '')) ? before + IBAN + m!.slice(end) : undefined;
}
