// `k6` for the Node shim: check() and a blocking sleep(), as k6's VU code sees them.
import { record } from './samples.ts';

export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  let all = true;
  for (const fn of Object.values(sets)) {
    const ok = fn(value);
    record('checks', ok ? 1 : 0);
    all &&= ok;
  }
  return all;
}

export function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export default { check, sleep };
