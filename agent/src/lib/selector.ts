/**
 * A short CSS selector for an element (`main>form#pay>button.primary`), up to the nearest id,
 * like web-vitals' own; kept to 100 characters so it stays a readable dashboard label.
 */
export function selector(node: Node | null | undefined): string | undefined {
  let sel = '';
  for (let el = node as Element | null | undefined; el?.nodeType == 1; el = el.parentElement) {
    const part = el.id ? '#' + el.id : [el.nodeName.toLowerCase(), ...Array.from(el.classList)].join('.');
    if (sel.length + part.length > 99) break;
    sel = sel ? part + '>' + sel : part;
    if (el.id) break;
  }
  return sel || undefined;
}
