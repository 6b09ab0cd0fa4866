// Seeded randomness shared by k6 (Sobek runtime) and Node: no imports, no k6 or Node APIs,
// so the same seed yields the same traffic in both and a failing run can be replayed.

/**
 * @typedef {object} Random
 * @property {() => number} next uniform in [0, 1)
 * @property {(min: number, max: number) => number} int uniform integer in [min, max]
 * @property {(p: number) => boolean} chance true with probability p
 * @property {() => number} normal standard normal draw
 * @property {(median: number, sigma: number) => number} logNormal log-normal draw with that median and log-space sigma
 * @property {<T>(items: readonly T[]) => T} pick one element, uniformly
 * @property {<T>(items: readonly (readonly [T, number])[]) => T} weighted one element by weight
 * @property {() => string} hex8 eight hex digits
 */

/**
 * mulberry32: 32-bit state, fast in every JS engine and good enough for traffic shapes
 * (this is not for cryptography).
 * @param {number} seed
 * @returns {Random}
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  /** @type {number | null} */
  let spareNormal = null;

  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  // Box-Muller gives two normals per pair of uniforms; keep the second for the next call.
  const normal = () => {
    if (spareNormal !== null) {
      const z = spareNormal;
      spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  /** @type {Random['pick']} */
  const pick = (items) => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('TP_LOAD_EMPTY_CHOICE: pick() needs a non-empty list');
    return item;
  };

  /** @type {Random['weighted']} */
  const weighted = (items) => {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('TP_LOAD_EMPTY_CHOICE: weighted() needs a non-empty list');
    return last[0];
  };

  return {
    next,
    normal,
    pick,
    weighted,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    hex8: () => (Math.floor(next() * 4294967296) >>> 0).toString(16).padStart(8, '0'),
  };
}

/**
 * Derives an independent 32-bit seed from a base seed and a label (e.g. the k6 VU number), so
 * that each VU draws its own stream and the whole run still follows from one SEED.
 * @param {number} base
 * @param {string | number} label
 * @returns {number}
 */
export function deriveSeed(base, label) {
  // FNV-1a over the label, mixed with the base.
  let h = (0x811c9dc5 ^ (base >>> 0)) >>> 0;
  const s = String(label);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
