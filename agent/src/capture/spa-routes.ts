/**
 * Soft navigations through the history API. Each change of path starts a new page context;
 * a change of query or hash alone (filters, tabs, anchors) stays on the same page.
 */
export function captureRouteChanges(onRoute: () => void): void {
  let path = location.pathname;
  const check = () => {
    if (location.pathname != path) {
      path = location.pathname;
      onRoute();
    }
  };
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      check();
    };
  }
  addEventListener('popstate', check);
}
