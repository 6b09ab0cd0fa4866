// @ts-check
/** Tiny DOM helpers. Text always goes in as text nodes: paths, messages and hosts are visitor data. */

/**
 * @param {string} tag  e.g. 'div.card'
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className += ` ${v}`;
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * A table from column definitions.
 * @template T
 * @param {{ label: string, value: (row: T) => string | number | Node, num?: boolean, title?: (row: T) => string }[]} cols
 * @param {T[]} rows
 * @param {{ onRow?: (row: T) => void, empty?: string, testid?: string }} [opts]
 */
export function table(cols, rows, opts = {}) {
  if (rows.length === 0) return h('p.muted', { 'data-testid': opts.testid }, opts.empty ?? 'Nothing in this range.');
  return h(
    'table',
    { 'data-testid': opts.testid },
    h('thead', null, h('tr', null, ...cols.map((c) => h(c.num ? 'th.n' : 'th', null, c.label)))),
    h(
      'tbody',
      null,
      ...rows.map((r) =>
        h(
          opts.onRow ? 'tr.click' : 'tr',
          { onclick: opts.onRow ? () => opts.onRow?.(r) : undefined },
          ...cols.map((c) => {
            const v = c.value(r);
            return h(c.num ? 'td.n' : 'td', { title: c.title ? c.title(r) : typeof v === 'object' ? undefined : String(v) }, v);
          }),
        ),
      ),
    ),
  );
}

/**
 * A figure card: label, value (also as data-value for tests and copy), optional sub line.
 * @param {string} id
 * @param {string} label
 * @param {string} text
 * @param {{ raw?: unknown, sub?: string, cls?: string }} [o]
 */
export function card(id, label, text, o = {}) {
  return h(
    'div.card',
    { 'data-kpi': id, 'data-value': o.raw === undefined || o.raw === null ? '' : String(o.raw) },
    h('div.l', null, label),
    h(`div.v${o.cls ? '.' + o.cls : ''}`, null, text),
    o.sub ? h('div.s', null, o.sub) : null,
  );
}
