/**
 * Deterministic ids built from parts (project, customer, incident, channel). Each part is
 * URI-encoded, so the `/` separator cannot occur inside a part and two different tuples never
 * give the same id; BullMQ forbids `:` in custom job ids, which encoding also removes.
 */
export function joinId(...parts: string[]): string {
  return parts.map((p) => encodeURIComponent(p)).join('/');
}
