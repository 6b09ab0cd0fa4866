/**
 * OTLP/HTTP JSON logs → protocol v1 error events: records of severity ERROR or above (OTLP
 * severity numbers 17–24), which is how the browser SDK's web-exception instrumentation reports
 * uncaught errors and rejections. Lower severities are counted and dropped.
 */
import { BeaconPacker, DropList, type Mapped } from './mapped.ts';
import { ATTR, envelopeOf, exceptionEvent, type OtlpContext } from './otlp-to-beacon.ts';
import type { OtlpLogRecord, OtlpLogs } from './otlp-payload.ts';
import { Attrs, nanosToMs, plain } from './otlp-values.ts';

/** SeverityNumber.ERROR: 17–20 are ERROR, 21–24 FATAL. */
const ERROR_SEVERITY = 17;
const SEVERITY_NAMES = /^SEVERITY_NUMBER_(ERROR|FATAL)[234]?$/;

function isError(r: OtlpLogRecord): boolean {
  const n = r.severityNumber;
  if (typeof n === 'number') return n >= ERROR_SEVERITY;
  if (typeof n === 'string') return SEVERITY_NAMES.test(n);
  return /^(ERROR|FATAL)/i.test(r.severityText ?? '');
}

export function otlpLogsToBeacons(payload: OtlpLogs, ctx: OtlpContext = {}): Mapped {
  const dropped = new DropList();
  const packer = new BeaconPacker();
  let items = 0;
  for (const rl of payload.resourceLogs) {
    const resourceAttrs = rl.resource?.attributes;
    for (const r of (rl.scopeLogs ?? []).flatMap((sl) => sl.logRecords ?? [])) {
      items++;
      if (!isError(r)) {
        dropped.add('log', 'severity below ERROR');
        continue;
      }
      const at = nanosToMs(r.timeUnixNano) || nanosToMs(r.observedTimeUnixNano);
      if (!Number.isFinite(at) || at <= 0) {
        dropped.add('log', 'neither timeUnixNano nor observedTimeUnixNano is set');
        continue;
      }
      const a = new Attrs(r.attributes, resourceAttrs);
      const envelope = envelopeOf(a, r.traceId, a.string(...ATTR.page) ?? ctx.fallbackPage, dropped);
      if (typeof envelope === 'string') {
        dropped.add('log', envelope);
        continue;
      }
      const body = plain(r.body);
      packer.add(envelope, exceptionEvent(at, r.attributes, body === undefined ? undefined : String(body)));
    }
  }
  return { beacons: packer.beacons(), dropped: dropped.list(), items, fields: dropped.fields() };
}
