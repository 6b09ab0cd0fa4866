/**
 * Reads what a test needs out of a raw message the SMTP sink received: a header, and the text
 * and HTML parts decoded (nodemailer sends them quoted-printable or base64, in a
 * multipart/alternative). Enough MIME for our own messages, not a general parser.
 */
function splitHead(raw: string): { head: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { head: raw, body: '' };
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** RFC 2047 encoded-words (`=?UTF-8?Q?…?=`), as nodemailer writes non-ASCII subjects. */
function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => `%${hex}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    });
}

/** A header's value, unfolded, with RFC 2047 encoded words decoded. */
export function mimeHeader(raw: string, name: string): string {
  const unfolded = splitHead(raw).head.replace(/\r?\n[ \t]+/g, ' ');
  return decodeWords(new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '');
}

function decodeBody(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e !== 'quoted-printable') return body;
  const soft = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? soft.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded body of the first part of this content type (e.g. `text/plain`), '' if none. */
export function mimePart(raw: string, type: string): string {
  const contentType = mimeHeader(raw, 'Content-Type');
  const { body } = splitHead(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith('multipart/') && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      const found = mimePart(part.replace(/^\r?\n/, ''), type);
      if (found) return found;
    }
    return '';
  }
  if (!contentType.toLowerCase().startsWith(type)) return '';
  return decodeBody(body, mimeHeader(raw, 'Content-Transfer-Encoding'));
}
