// Saved reports: definitions declared on the dashboard, each kept as an asynchronous projection of
// its own — the same runner, checkpoints, rebuilds and progress as the built-in ones. Its table
// holds counts per day and group (and, to count distinct users, per user id): never a name, email
// or any other personal value. The SQL is generated here from fixed parts: the only identifier
// spliced in is the table's, named after the definition's integer id; every value is a parameter.
import type { Database, Queryable } from "../../db/database";
import { toRecordedEvent, type EventRow } from "../../eventstore";
import { groupsByPersonalData, tally, type ReportDefinition, type TallyRow } from "../../domain/reports/saved-reports";
import { erasedValue } from "../../domain/users";
import type { Projection } from "../../projections/projection";
import { csvLine } from "./csv";
import { SavedReportLimitReached, SavedReportNotFound } from "../errors";
import { getServices, readTransformFor } from "../services";
import { environment } from "../../env";
import { holdKeysForWriting } from "../users/personal-data";

export interface SavedReport {
  id: number;
  name: string;
  definition: ReportDefinition;
  /** Raised by every edit; the version of its projection. */
  revision: number;
  /** The projection that keeps it (also its table's name). */
  projection: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The projection and table of saved report `id`: `id` is an integer the database issued. */
export const savedReportTable = (id: number) => `saved_report_${Math.trunc(id)}`;

type DefinitionRow = {
  id: number;
  name: string;
  definition: ReportDefinition;
  revision: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const toSavedReport = (row: DefinitionRow): SavedReport => ({
  id: row.id,
  name: row.name,
  definition: row.definition,
  revision: row.revision,
  projection: savedReportTable(row.id),
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const definitionColumns = "id, name, definition, revision, created_by, created_at, updated_at";

export async function listSavedReports(database: Queryable): Promise<SavedReport[]> {
  const rows = await database.query<DefinitionRow>(`SELECT ${definitionColumns} FROM report_definitions ORDER BY id`);
  return rows.map(toSavedReport);
}

export async function getSavedReport(database: Queryable, id: number): Promise<SavedReport> {
  const [row] = await database.query<DefinitionRow>(
    `SELECT ${definitionColumns} FROM report_definitions WHERE id = $1`,
    [id],
  );
  if (!row) throw new SavedReportNotFound(String(id));
  return toSavedReport(row);
}

/** The cap on saved reports, checked by saving (under a lock) and by its dry run alike. */
export function assertRoomForAnotherReport(saved: number, limit = environment().maxSavedReports): void {
  if (saved >= limit) throw new SavedReportLimitReached(limit);
}

/** How many reports are saved now (a dry run reads it; a save counts again under its lock). */
export async function savedReportCount(database: Queryable): Promise<number> {
  const [{ count } = { count: 0 }] = await database.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM report_definitions",
  );
  return count;
}

const createTable = (table: string) =>
  `CREATE TABLE "${table}" (
     day DATE NOT NULL,
     group_key TEXT NOT NULL,
     user_key TEXT NOT NULL,
     events INTEGER NOT NULL,
     PRIMARY KEY (day, group_key, user_key)
   )`;

/**
 * Saves a new report: its definition, its empty table, and a checkpoint of version 0, which the
 * runner finds behind the definition's revision and therefore fills from the first event, as a
 * rebuild (shadow copy, progress, swap).
 */
export async function createSavedReport(
  database: Database,
  definition: ReportDefinition,
  createdBy: string,
  limit = environment().maxSavedReports,
): Promise<SavedReport> {
  return database.transaction(async (tx) => {
    // Two saves at once must not both pass the limit.
    await tx.exec("LOCK TABLE report_definitions IN EXCLUSIVE MODE");
    assertRoomForAnotherReport(await savedReportCount(tx), limit);
    const [row] = await tx.query<DefinitionRow>(
      `INSERT INTO report_definitions (name, definition, created_by) VALUES ($1, $2, $3) RETURNING ${definitionColumns}`,
      [definition.name, JSON.stringify(definition), createdBy],
    );
    const report = toSavedReport(row!);
    await tx.exec(createTable(report.projection));
    await tx.query("INSERT INTO projection_checkpoints (name, version) VALUES ($1, 0)", [report.projection]);
    return report;
  });
}

/** Replaces a report's definition; the runner sees the new revision and rebuilds it (shadow and swap). */
export async function updateSavedReport(
  database: Database,
  id: number,
  definition: ReportDefinition,
): Promise<SavedReport> {
  const [row] = await database.query<DefinitionRow>(
    `UPDATE report_definitions SET name = $2, definition = $3, revision = revision + 1, updated_at = now()
      WHERE id = $1 RETURNING ${definitionColumns}`,
    [id, definition.name, JSON.stringify(definition)],
  );
  if (!row) throw new SavedReportNotFound(String(id));
  return toSavedReport(row);
}

/** Deletes a report with its checkpoint, its table and any copy a rebuild was filling; answers its name. */
export async function deleteSavedReport(database: Database, id: number): Promise<string> {
  return database.transaction(async (tx) => {
    const [deleted] = await tx.query<{ name: string }>("DELETE FROM report_definitions WHERE id = $1 RETURNING name", [
      id,
    ]);
    if (!deleted) throw new SavedReportNotFound(String(id));
    const table = savedReportTable(id);
    await tx.query("DELETE FROM projection_checkpoints WHERE name = $1", [table]);
    await tx.exec(`DROP TABLE IF EXISTS "${table}"; DROP TABLE IF EXISTS "${table}__rebuild"`);
    return deleted.name;
  });
}

/** Checkpoints left by a runner that was still applying a batch of a report when it was deleted. */
export async function dropOrphanCheckpoints(database: Queryable): Promise<void> {
  await database.query(
    `DELETE FROM projection_checkpoints
      WHERE name LIKE 'saved\\_report\\_%' AND rebuild_started_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM report_definitions d WHERE 'saved_report_' || d.id = projection_checkpoints.name)`,
  );
}

async function insertRows(tx: Queryable, table: string, rows: TallyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO "${table}" AS report (day, group_key, user_key, events)
     SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::int[])
     ON CONFLICT (day, group_key, user_key) DO UPDATE SET events = report.events + EXCLUDED.events`,
    [
      rows.map((row) => row.day),
      rows.map((row) => row.group),
      rows.map((row) => row.userKey),
      rows.map((row) => row.events),
    ],
  );
}

/** The projection that keeps a saved report. */
export function savedReportProjection(report: Pick<SavedReport, "id" | "revision" | "definition">): Projection {
  const name = savedReportTable(report.id);
  const { definition } = report;
  const personal = groupsByPersonalData(definition.groupBy);
  return {
    name,
    version: report.revision,
    eventTypes: definition.eventTypes,
    tables: [name],
    async apply(tx, events, table) {
      // A group derived from personal data (the email's domain) is written only while the user's
      // key is held, as every writer of decrypted data does (docs/decisions/012).
      const readable = personal ? await holdKeysForWriting(tx, events) : events;
      await insertRows(tx, table(name), tally(definition, readable));
    },
    // Only rows that tie a user's id to a group derived from their personal data hold any of it.
    ...(personal && definition.count === "users"
      ? {
          async erase(tx: Queryable, userId: string, table: (name: string) => string) {
            await tx.query(
              `WITH moved AS (DELETE FROM "${table(name)}" WHERE user_key = $1 AND group_key <> $2 RETURNING day, events)
               INSERT INTO "${table(name)}" AS report (day, group_key, user_key, events)
               SELECT day, $2, $1, sum(events)::int FROM moved GROUP BY day
               ON CONFLICT (day, group_key, user_key) DO UPDATE SET events = report.events + EXCLUDED.events`,
              [userId, erasedValue],
            );
          },
        }
      : {}),
  };
}

/** The projections of every saved report, as the definitions stand in the database. */
export async function savedReportProjections(database: Queryable): Promise<Projection[]> {
  return (await listSavedReports(database)).map(savedReportProjection);
}

export interface SavedReportQuery {
  /** Days from `from` (inclusive) to `to` (exclusive), UTC dates. */
  from: string;
  to: string;
  asOf?: Date;
}

export type SavedReportPoint = {
  /** The first day of the period. */
  start: string;
  group: string;
  value: number;
};

/**
 * A report's values per period and group. As of an earlier instant, the days before it come from
 * the projection and the part of its own day up to it from the event log, counted by the same
 * tally: one day of events at most, never a scan of history.
 */
export async function savedReportResults(
  report: SavedReport,
  query: SavedReportQuery,
): Promise<{ periods: string[]; groups: string[]; points: SavedReportPoint[] }> {
  const { database } = await getServices();
  const { definition } = report;
  const asOfDay = query.asOf?.toISOString().slice(0, 10);
  const lastWholeDay = asOfDay && asOfDay < query.to ? asOfDay : query.to;
  let partial: TallyRow[] = [];
  if (query.asOf && asOfDay && asOfDay >= query.from && asOfDay < query.to) {
    const rows = await database.query<EventRow>(
      `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
        WHERE type = ANY($1::text[]) AND recorded_at >= $2::date AND recorded_at <= $3 ORDER BY position`,
      [definition.eventTypes, asOfDay, query.asOf],
    );
    partial = tally(definition, await readTransformFor(database)(rows.map(toRecordedEvent)));
  }
  const value = definition.count === "users" ? "count(DISTINCT user_key)" : "sum(events)";
  const [periods, points] = await Promise.all([
    database.query<{ start: string }>(
      `SELECT to_char(p, 'YYYY-MM-DD') AS start
         FROM generate_series(date_trunc($3, $1::date), ($2::date - 1)::timestamp, ('1 ' || $3)::interval) AS p`,
      [query.from, query.to, definition.period],
    ),
    database.query<SavedReportPoint>(
      `WITH counted AS (
         SELECT day, group_key, user_key, events FROM "${report.projection}" WHERE day >= $1::date AND day < $2::date
         UNION ALL
         SELECT * FROM unnest($4::date[], $5::text[], $6::text[], $7::int[])
       )
       SELECT to_char(date_trunc($3, day), 'YYYY-MM-DD') AS start, group_key AS "group", ${value}::int AS value
         FROM counted GROUP BY 1, 2 ORDER BY 1, 2`,
      [
        query.from,
        lastWholeDay,
        definition.period,
        partial.map((row) => row.day),
        partial.map((row) => row.group),
        partial.map((row) => row.userKey),
        partial.map((row) => row.events),
      ],
    ),
  ]);
  return {
    periods: periods.map((row) => row.start),
    groups: [...new Set(points.map((point) => point.group))].sort(),
    points,
  };
}

export const savedReportCsvHeader = ["start", "group", "value"];

export function savedReportCsv(points: SavedReportPoint[]): string {
  return [savedReportCsvHeader, ...points.map((point) => [point.start, point.group, point.value])]
    .map(csvLine)
    .join("");
}
