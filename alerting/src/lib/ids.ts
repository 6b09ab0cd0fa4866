/**
 * Deterministic ids built from parts (project, customer, incident, channel). Each part is
 * URI-encoded, so the `/` separator cannot occur inside a part and two different tuples never
 * give the same id; BullMQ forbids `:` in custom job ids, which encoding also removes.
 */
export function joinId(...parts: string[]): string {
  return parts.map((p) => encodeURIComponent(p)).join('/');
}

/**
 * Every part of an id made by joinId, decoded, and the parts of ids nested in it (a delivery id
 * holds its incident's id, which holds the checkout's): what the id names. Erasure reads ids this
 * way; a part that is not valid URI encoding is taken as it is.
 */
export function idParts(id: string): string[] {
  const out: string[] = [];
  for (const raw of id.split('/')) {
    let part = raw;
    try {
      part = decodeURIComponent(raw);
    } catch {
      // not made by joinId
    }
    out.push(part);
    if (part.includes('/')) out.push(...idParts(part));
  }
  return out;
}
