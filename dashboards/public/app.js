// @ts-check
/** Boot: sign in, then the top bar (project, range, view) and the view the URL hash names. */
import { api, token, Unauthorized } from './lib/api.js';
import { h } from './lib/dom.js';
import { keepFocus } from './lib/focus.js';
import { DEFAULT_RANGE, navigate, RANGES, readState, windowOf } from './lib/state.js';
import { renderMarketer } from './views/marketer.js';
import { renderSession } from './views/session.js';
import { renderSignIn } from './views/sign-in.js';
import { renderSre } from './views/sre.js';
import { startLiveStrip } from './views/live-strip.js';
import { cancelRefresh, scheduleRefresh, syncPickers } from './views/top-pickers.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const top = /** @type {HTMLElement} */ (document.querySelector('header.top'));
const projectSel = /** @type {HTMLSelectElement} */ (document.getElementById('project'));
const rangeSel = /** @type {HTMLSelectElement} */ (document.getElementById('range'));
const live = /** @type {HTMLElement} */ (document.getElementById('live'));

/** @type {{ id: string, name: string }[]} */
let projects = [];
/** @type {(() => void) | undefined} */
let stopLive;
let renderSeq = 0;

async function signedIn() {
  try {
    projects = /** @type {{ projects: { id: string, name: string }[] }} */ (await api('projects')).projects;
  } catch (err) {
    if (err instanceof Unauthorized) return showSignIn('That token was not accepted.');
    throw err;
  }
  top.hidden = false;
  projectSel.replaceChildren(...projects.map((p) => h('option', { value: p.id }, p.name)));
  rangeSel.replaceChildren(...Object.keys(RANGES).map((r) => h('option', { value: r }, `last ${r}`)));
  window.addEventListener('hashchange', render);
  await render();
}

/** @param {string} [message] */
function showSignIn(message) {
  stopLive?.();
  stopLive = undefined;
  cancelRefresh();
  token.clear();
  top.hidden = true;
  live.hidden = true;
  window.removeEventListener('hashchange', render);
  renderSignIn(main, message, async (t) => {
    token.set(t);
    await signedIn();
  });
}

async function render() {
  const seq = ++renderSeq;
  cancelRefresh();
  const s = readState();
  const project = s.params.get('project') ?? projects[0]?.id ?? '';
  if (!s.params.get('project') && project) return navigate({ set: { project } });
  projectSel.value = project;
  // A link's fixed window (an alert's) shows as such, not as a range it is not.
  const fixed = windowOf(s.params).range === 'fixed';
  rangeSel.querySelector('option[value=fixed]')?.remove();
  if (fixed) rangeSel.append(h('option', { value: 'fixed', disabled: true }, 'the link’s window'));
  rangeSel.value = fixed ? 'fixed' : (s.params.get('range') ?? DEFAULT_RANGE[s.view]);
  syncPickers(s.params);
  for (const a of top.querySelectorAll('nav a')) a.classList.toggle('on', a.getAttribute('data-view') === s.view);
  // The live strip on both overviews (open checkouts matter to marketers as much as beacons to
  // SREs), not on one session's story.
  if (live.dataset.project !== project) {
    stopLive?.();
    live.dataset.project = project;
    stopLive = startLiveStrip(live, project, token.get() ?? '');
  }
  live.hidden = s.view === 'session';
  main.setAttribute('aria-busy', 'true');
  const restoreFocus = keepFocus(main);
  try {
    const view = s.view === 'marketer' ? renderMarketer : s.view === 'session' ? renderSession : renderSre;
    await view(main, project, s.params, () => seq !== renderSeq);
    if (seq === renderSeq) restoreFocus();
  } catch (err) {
    if (err instanceof Unauthorized) return showSignIn('Your session ended: sign in again.');
    main.replaceChildren(h('p.err', null, `Could not load the figures: ${/** @type {Error} */ (err).message}`));
  } finally {
    if (seq === renderSeq) {
      main.setAttribute('aria-busy', 'false');
      scheduleRefresh(s.params, render);
    }
  }
}

projectSel.addEventListener('change', () => navigate({ set: { project: projectSel.value, path: null, device: null, browser: null, country: null, connection: null } }));
// Picking a range leaves a link's fixed window (and the checkout it named).
rangeSel.addEventListener('change', () => navigate({ set: { range: rangeSel.value, from: null, to: null, checkout: null } }));
// Switching view keeps project, range and filters: only the part before `?` changes.
for (const a of top.querySelectorAll('nav a')) {
  a.addEventListener('click', (e) => {
    e.preventDefault();
    // Leaving a session leaves its id and the window its link fixed.
    /** @type {Record<string, string | null>} */
    const leaving = readState().view === 'session' ? { session: null, from: null, to: null } : {};
    navigate({ view: a.getAttribute('data-view') === 'marketer' ? 'marketer' : 'sre', set: leaving });
  });
}
document.getElementById('refresh')?.addEventListener('click', () => void render());
document.getElementById('sign-out')?.addEventListener('click', () => showSignIn());

if (token.get()) void signedIn();
else showSignIn();
