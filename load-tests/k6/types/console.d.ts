// k6 gives scripts a `console` (log, info, warn, error, debug go to k6's logger), but @types/k6
// does not declare it, and lib "dom" would bring browser globals k6 does not have.
declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
