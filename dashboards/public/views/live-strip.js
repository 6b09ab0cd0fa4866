// @ts-check
/**
 * The live strip: one frame a second over a WebSocket. The token goes in the first message,
 * never in the URL. Reconnects with backoff; stops on a refused token.
 */
import { h } from '../lib/dom.js';
import { fmtMetric, rating } from '../lib/format.js';

/**
 * @param {HTMLElement} el
 * @param {string} project
 * @param {string} token
 * @returns {() => void} stop
 */
export function startLiveStrip(el, project, token) {
  /** @param {string} id @param {string} label */
  const item = (id, label) => h('span', null, `${label} `, h('b', { 'data-live': id }, '–'));
  const dot = h('span.dot');
  const status = h('span', { 'data-live': 'status' }, 'connecting…');
  el.replaceChildren(
    h('span', null, dot, status),
    item('beacons', 'beacons/s'),
    item('events', 'events/s'),
    item('errors', 'errors/s'),
    item('LCP', 'LCP p75 (1 min)'),
    item('INP', 'INP p75'),
    item('CLS', 'CLS p75'),
    item('openCheckouts', 'open checkouts'),
    item('collectors', 'collectors'),
  );
  /** @param {string} id @param {string} text @param {string} [cls] */
  const set = (id, text, cls) => {
    const b = el.querySelector(`[data-live="${id}"]`);
    if (b) {
      b.textContent = text;
      b.className = cls ?? '';
    }
  };

  let stopped = false;
  let retry = 500;
  /** @type {WebSocket | undefined} */
  let ws;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${scheme}://${location.host}/api/v1/projects/${encodeURIComponent(project)}/live`);
    ws.onopen = () => ws?.send(JSON.stringify({ token }));
    ws.onmessage = (e) => {
      const f = JSON.parse(String(e.data));
      if (f.type !== 'live') return;
      retry = 500;
      dot.classList.add('on');
      status.textContent = `live ${new Date(f.t).toISOString().slice(11, 19)}Z`;
      set('beacons', String(f.beaconsPerSecond));
      set('events', String(f.eventsPerSecond));
      set('errors', f.errorsPerSecond === null ? '–' : String(f.errorsPerSecond));
      for (const m of ['LCP', 'INP', 'CLS']) {
        const v = f.p75 ? f.p75[m] : null;
        set(m, fmtMetric(m, v), rating(m, v));
      }
      set('openCheckouts', f.openCheckouts === null ? '–' : String(f.openCheckouts));
      set('collectors', String(f.collectors));
    };
    ws.onclose = (e) => {
      dot.classList.remove('on');
      if (stopped) return;
      if (e.code === 4401) {
        status.textContent = 'live view refused the token';
        return;
      }
      status.textContent = 'reconnecting…';
      timer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15_000);
    };
  }
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
