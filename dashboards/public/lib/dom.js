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
 * A table from column definitions, labelled for screen readers (`caption`, column headers).
 * With `onRow`, the first cell of each row holds a button doing what a click on the row does
 * (its label from `rowLabel`), so Tab and Enter reach every row; links and buttons inside a row
 * keep their own action. The button's `data-focus-key` lets a refresh put the focus back.
 * @template T
 * @param {{ label: string, value: (row: T) => string | number | Node, num?: boolean, title?: (row: T) => string }[]} cols
 * @param {T[]} rows
 * @param {{ onRow?: (row: T) => void, rowLabel?: (row: T) => string, rowAttrs?: (row: T) => Record<string, string>, empty?: string, testid?: string, caption?: string }} [opts]
 */
export function table(cols, rows, opts = {}) {
  if (rows.length === 0) return h('p.muted', { 'data-testid': opts.testid }, opts.empty ?? 'Nothing in this range.');
  const { onRow } = opts;
  return h(
    'table',
    { 'data-testid': opts.testid, 'aria-label': opts.caption },
    h('thead', null, h('tr', null, ...cols.map((c) => h(c.num ? 'th.n' : 'th', { scope: 'col' }, c.label)))),
    h(
      'tbody',
      null,
      ...rows.map((r) =>
        h(
          onRow ? 'tr.click' : 'tr',
          {
            ...opts.rowAttrs?.(r),
            onclick: onRow
              ? (/** @type {MouseEvent} */ e) => {
                  if (!(e.target instanceof Element) || !e.target.closest('a, button')) onRow(r);
                }
              : undefined,
          },
          ...cols.map((c, i) => {
            const v = c.value(r);
            const label = onRow && i === 0 ? (opts.rowLabel ? opts.rowLabel(r) : String(typeof v === 'object' ? '' : v)) : '';
            const content = onRow && i === 0
              ? h('button.rowbtn', { type: 'button', 'aria-label': label, 'data-focus-key': `${opts.testid ?? opts.caption ?? ''}:${label}`, onclick: () => onRow(r) }, v)
              : v;
            return h(c.num ? 'td.n' : 'td', { title: c.title ? c.title(r) : typeof v === 'object' ? undefined : String(v) }, content);
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

/**
 * Wires a paged list's "show more" button: a click runs `next` (which fetches the next page and
 * appends it; it does nothing on the last page), the button is disabled meanwhile, a failure is
 * told in `count`, and `say` rewrites the count after each page and once now.
 * @param {HTMLButtonElement} more @param {HTMLElement} count @param {() => Promise<void>} next @param {() => void} say
 */
export function pagedMore(more, count, next, say) {
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await next();
    } catch (err) {
      count.textContent = `Could not load more: ${/** @type {Error} */ (err).message}`;
      return;
    } finally {
      more.disabled = false;
    }
    say();
  });
  say();
}
