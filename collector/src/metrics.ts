import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The collector's Prometheus metrics, served at GET /metrics; other roles register on the same registry. */
export function createMetrics(registry = new Registry()) {
  // Includes nodejs_eventloop_lag_seconds and the event-loop delay percentiles.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const projectBeacons = new Counter({
    name: 'touchpoint_project_beacons_total',
    help: 'Beacons accepted (wholly or partly), per project',
    labelNames: ['project'],
    registers: [registry],
  });
  const projectEvents = new Counter({
    name: 'touchpoint_project_events_total',
    help: 'Events accepted, per project',
    labelNames: ['project'],
    registers: [registry],
  });
  // One labels() lookup per project, not per beacon: the ingest route calls countAccepted on every beacon.
  const perProject = new Map<string, [Counter.Internal, Counter.Internal]>();
  return {
    registry,
    projectBeacons,
    projectEvents,
    /** An accepted beacon and its accepted events, for the project's live figures (live/live-counts.ts). */
    countAccepted(project: string, events: number): void {
      let c = perProject.get(project);
      if (!c) perProject.set(project, (c = [projectBeacons.labels(project), projectEvents.labels(project)]));
      c[0].inc();
      c[1].inc(events);
    },
    beacons: new Counter({
      name: 'touchpoint_beacons_total',
      help: 'Beacons received, by outcome (accepted, partial, rejected) and reason (error code, or ok)',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'touchpoint_events_accepted_total',
      help: 'Events accepted into the spool',
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'touchpoint_events_rejected_total',
      help: 'Events dropped from otherwise valid beacons',
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'touchpoint_batch_rows',
      help: 'Rows per ClickHouse insert',
      labelNames: ['table'],
      buckets: [1, 10, 100, 1000, 5000, 20000, 100000],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'touchpoint_insert_duration_seconds',
      help: 'Duration of one ClickHouse insert of a spool segment table',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    spoolBytes: new Gauge({ name: 'touchpoint_spool_bytes', help: 'Bytes in the spool not yet stored by every sink', registers: [registry] }),
    spoolSegments: new Gauge({ name: 'touchpoint_spool_segments', help: 'Sealed spool segments waiting for a sink', registers: [registry] }),
    // The bound beside the level, so an alert rule can say "half full" whatever the setting.
    spoolMaxBytes: new Gauge({ name: 'touchpoint_spool_max_bytes', help: 'TOUCHPOINT_SPOOL_MAX_BYTES: past this the collector answers 503', registers: [registry] }),
    rowsRejected: new Counter({
      name: 'touchpoint_rows_rejected_total',
      help: 'Rows ClickHouse refused as data (parse or type errors), kept in DATA_DIR/rejected instead',
      labelNames: ['table'],
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'touchpoint_connections_refused_total',
      help: 'Connections closed as they opened: their client address already held TOUCHPOINT_MAX_CONNECTIONS_PER_CLIENT',
      registers: [registry],
    }),
    promptChannels: new Gauge({ name: 'touchpoint_prompt_channels', help: 'Prompt channels (GET /v1/prompts) this collector holds open', registers: [registry] }),
    promptChannelsRefused: new Counter({
      name: 'touchpoint_prompt_channels_refused_total',
      help: 'Prompt channels refused, by reason (per_client, full)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    promptsSent: new Counter({
      name: 'touchpoint_prompts_sent_total',
      help: 'Prompts written to a prompt channel, by kind (nudge, survey)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    surveysDecided: new Counter({
      name: 'touchpoint_surveys_decided_total',
      help: 'Surveys published for a session, by trigger (complete, nudge, page)',
      labelNames: ['trigger'],
      registers: [registry],
    }),
    sinkFailures: new Counter({
      name: 'touchpoint_spool_sink_failures_total',
      help: 'Failed attempts to hand a spool segment to a sink (clickhouse, signals)',
      labelNames: ['sink'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
