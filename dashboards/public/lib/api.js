// @ts-check
/** The query API with the admin token as a Bearer header; the token lives in sessionStorage. */

const KEY = 'touchpoint.adminToken';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  /** @param {string} t */
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class Unauthorized extends Error {}

/**
 * @param {string} path  under /api/v1/
 * @param {Record<string, string | number | undefined | null>} [params]
 * @param {string | null} [bearer]
 * @returns {Promise<unknown>}
 */
export async function api(path, params = {}, bearer = token.get()) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const res = await fetch(`/api/v1/${path}${q.size ? `?${q}` : ''}`, { headers: { authorization: `Bearer ${bearer ?? ''}` }, cache: 'no-store' });
  if (res.status === 401) throw new Unauthorized('The admin token was not accepted');
  const body = /** @type {{ message?: string }} */ (await res.json().catch(() => ({})));
  if (!res.ok) throw new Error(body.message ?? `${path} answered ${res.status}`);
  return body;
}

/**
 * @template T
 * @param {string} project @param {string} what @param {Record<string, string | number | undefined | null>} [params]
 * @returns {Promise<T>}
 */
export const projectApi = (project, what, params) => /** @type {Promise<T>} */ (api(`projects/${encodeURIComponent(project)}/${what}`, params));
