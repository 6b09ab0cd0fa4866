// Node module hooks: `k6`, `k6/http`, `k6/metrics` resolve to the shims next to this file.
const SHIMS = { k6: './k6.ts', 'k6/http': './http.ts', 'k6/metrics': './metrics.ts' };

/**
 * @param {string} specifier
 * @param {unknown} context
 * @param {(s: string, c: unknown) => Promise<unknown>} next
 */
export async function resolve(specifier, context, next) {
  const shim = /** @type {Record<string, string>} */ (SHIMS)[specifier];
  // Handed on (not short-circuited) so that tsx, the next hook, loads the TypeScript shim.
  if (shim) return next(new URL(shim, import.meta.url).href, context);
  return next(specifier, context);
}
