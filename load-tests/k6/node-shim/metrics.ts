// k6/metrics for the Node shim: only what the scenarios use.
import { record } from './samples.ts';

export class Counter {
  constructor(readonly name: string) {}
  add(value: number, tags?: Record<string, string>): void {
    record(this.name, value, tags);
  }
}
