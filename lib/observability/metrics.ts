// What Prometheus scrapes from GET /api/metrics. Counters and histograms are recorded as things
// happen; the gauges about the database (events, projection lag, pool) are set from readings taken
// at each scrape. One registry per process, however many times Next.js loads this module.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface DatabaseReadings {
  eventsInLog: number;
  projections: { name: string; lagEvents: number; lagSeconds: number; failing: boolean }[];
  /** Undefined on the embedded database, which has one connection and no pool. */
  pool?: { size: number; idle: number; waiting: number };
}

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client exposes these sums of the per-type gauges (nodejs_active_handles{type}…) as gauges
  // named _total, which Prometheus reserves for counters (promtool check metrics refuses them).
  // The per-type gauges stay: sum(nodejs_active_handles) is the same number.
  for (const misnamed of [
    "nodejs_active_handles_total",
    "nodejs_active_requests_total",
    "nodejs_active_resources_total",
  ])
    registry.removeSingleMetric(misnamed);
  const gauge = <Label extends string>(name: string, help: string, labelNames: readonly Label[] = []) =>
    new Gauge<Label>({ name, help, labelNames, registers: [registry] });
  const databaseGauges = {
    databaseUp: gauge("rewind_database_up", "1 when the last scrape could read the database, 0 when not"),
    eventsInLog: gauge("rewind_events_in_log", "Events in the event log"),
    projectionLagEvents: gauge(
      "rewind_projection_lag_events",
      "Events appended that the projection has not applied yet",
      ["projection"],
    ),
    projectionLagSeconds: gauge(
      "rewind_projection_lag_seconds",
      "How long the projection has been behind the log (0 when caught up)",
      ["projection"],
    ),
    projectionFailing: gauge("rewind_projection_failing", "1 while the projection's last batch failed", ["projection"]),
    poolConnections: gauge(
      "rewind_db_pool_connections",
      "PostgreSQL pool connections in use and idle, and requests waiting for one; absent on embedded PGlite (one connection, no pool)",
      ["state"],
    ),
  };

  /** Sets the database gauges from a scrape's readings; undefined when the database could not be read. */
  function recordDatabaseReadings(readings: DatabaseReadings | undefined) {
    const { databaseUp, eventsInLog, projectionLagEvents, projectionLagSeconds, projectionFailing, poolConnections } =
      databaseGauges;
    databaseUp.set(readings ? 1 : 0);
    if (!readings) return;
    eventsInLog.set(readings.eventsInLog);
    for (const { name, lagEvents, lagSeconds, failing } of readings.projections) {
      projectionLagEvents.set({ projection: name }, lagEvents);
      projectionLagSeconds.set({ projection: name }, lagSeconds);
      projectionFailing.set({ projection: name }, failing ? 1 : 0);
    }
    if (readings.pool) {
      poolConnections.set({ state: "in_use" }, readings.pool.size - readings.pool.idle);
      poolConnections.set({ state: "idle" }, readings.pool.idle);
      poolConnections.set({ state: "waiting" }, readings.pool.waiting);
    }
  }

  return {
    registry,
    recordDatabaseReadings,
    commands: new Counter({
      name: "rewind_commands_total",
      help: "User commands handled, by command and outcome (recorded, unchanged, or the error code that refused it)",
      labelNames: ["command", "outcome"] as const,
      registers: [registry],
    }),
    appendDuration: new Histogram({
      name: "rewind_append_duration_seconds",
      help: "Time to append a command's events (the transaction with the users table)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: "rewind_http_request_duration_seconds",
      help: "API requests until the answer's headers, by route template, method and status",
      labelNames: ["route", "method", "status"] as const,
      // Up to a minute: the server sets no timeout of its own, and an as-of list took 15 s under light load.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    sseClients: new Gauge({
      name: "rewind_sse_clients",
      help: "Clients connected to the event stream (GET /api/events/stream)",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const globalKey = Symbol.for("rewind.metrics");
type WithMetrics = typeof globalThis & { [globalKey]?: Metrics };

export function metrics(): Metrics {
  const holder = globalThis as WithMetrics;
  holder[globalKey] ??= createMetrics();
  return holder[globalKey];
}
