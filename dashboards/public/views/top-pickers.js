// @ts-check
/**
 * The top bar's time-zone and auto-refresh pickers, kept in the URL hash (`tz`, `refresh`) like
 * everything else on screen. Auto-refresh re-renders the view on its interval while the tab is
 * visible (a hidden tab catches up as soon as it is shown again).
 */
import { h } from '../lib/dom.js';
import { navigate } from '../lib/state.js';
import { LOCAL_ZONE, zoneChoices, zoneOf } from '../lib/time-zone.js';

export const REFRESH = /** @type {const} */ ({ off: 0, '10s': 10e3, '30s': 30e3, '1m': 60e3, '5m': 300e3 });

const tzSel = /** @type {HTMLSelectElement} */ (document.getElementById('tz'));
const refreshSel = /** @type {HTMLSelectElement} */ (document.getElementById('auto-refresh'));

tzSel.addEventListener('change', () => navigate({ set: { tz: tzSel.value === 'UTC' ? null : tzSel.value } }));
refreshSel.addEventListener('change', () => navigate({ set: { refresh: refreshSel.value === 'off' ? null : refreshSel.value } }));

/** @param {URLSearchParams} p */
const refreshOf = (p) => REFRESH[/** @type {keyof typeof REFRESH} */ (p.get('refresh') ?? 'off')] ?? 0;

/** Shows the state's zone and interval in the pickers. @param {URLSearchParams} p */
export function syncPickers(p) {
  const zone = zoneOf(p);
  tzSel.replaceChildren(...zoneChoices(zone).map((z) => h('option', { value: z }, z === 'UTC' ? 'UTC' : z === LOCAL_ZONE ? `${z} (this browser)` : z)));
  tzSel.value = zone;
  if (!refreshSel.options.length) refreshSel.replaceChildren(...Object.keys(REFRESH).map((r) => h('option', { value: r }, r)));
  refreshSel.value = refreshOf(p) ? /** @type {string} */ (p.get('refresh')) : 'off';
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
/** @type {(() => void) | undefined} */
let whenShown;

export function cancelRefresh() {
  clearTimeout(timer);
  if (whenShown) document.removeEventListener('visibilitychange', whenShown);
  timer = whenShown = undefined;
}

/** After a render: the next one on the state's interval, if any. @param {URLSearchParams} p @param {() => unknown} render */
export function scheduleRefresh(p, render) {
  cancelRefresh();
  const every = refreshOf(p);
  if (!every) return;
  timer = setTimeout(() => {
    if (!document.hidden) return void render();
    whenShown = () => {
      if (!document.hidden) void render();
    };
    document.addEventListener('visibilitychange', whenShown);
  }, every);
}
