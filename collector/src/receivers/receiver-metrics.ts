/**
 * The receivers' Prometheus counters, on the collector's registry (GET /metrics). Created once
 * per registry: the Faro and OTLP route plugins share them.
 */
import { Counter, type Registry } from 'prom-client';

export interface ReceiverMetrics {
  /** Payloads by receiver (faro, otlp-traces, otlp-logs), outcome (accepted, empty, rejected) and reason. */
  payloads: Counter<'receiver' | 'outcome' | 'reason'>;
  /** Items a payload carried (measurements, spans, log records…), by what became of them. */
  items: Counter<'receiver' | 'what' | 'outcome'>;
}

const byRegistry = new WeakMap<Registry, ReceiverMetrics>();

export function receiverMetrics(registry: Registry): ReceiverMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      payloads: new Counter({
        name: 'touchpoint_receiver_payloads_total',
        help: 'Faro and OTLP payloads received, by receiver, outcome (accepted, dropped: nothing in it is stored, rejected) and reason (error code, or ok)',
        labelNames: ['receiver', 'outcome', 'reason'],
        registers: [registry],
      }),
      items: new Counter({
        name: 'touchpoint_receiver_items_total',
        help: 'Items of Faro and OTLP payloads (measurement, exception, event, log, span), by outcome: mapped onto events, or dropped (not mapped)',
        labelNames: ['receiver', 'what', 'outcome'],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}
