// @ts-check
/**
 * A re-render (auto-refresh, a filter) replaces the view: put the keyboard focus back on the
 * element with the same `data-focus-key` (a row's button, a metric button), so a keyboard or
 * screen-reader user keeps their place.
 * @param {HTMLElement} root
 * @returns {() => void} restore, to call once the view is rendered
 */
export function keepFocus(root) {
  const key = document.activeElement instanceof HTMLElement && root.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
  return () => {
    if (!key) return;
    const el = root.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (el instanceof HTMLElement) el.focus({ preventScroll: true });
  };
}
