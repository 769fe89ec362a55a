// Backup and restore of the event log as NDJSON: one line a record — a header, then every event as
// stored (names and emails stay encrypted), then the user keys (a forgotten user has none, so their
// data stays erased in every restore). Everything else is derived: a restore rebuilds the users
// table by folding each stream, and the projections rebuild from the events.
import type { Database, Queryable } from "../db/database";
import { erasedValue } from "../domain/users";
import { userFold } from "./users/user-events";
import { upsertUserRow } from "./users/users-projection";
import { checkUserVersions } from "./users/user-versions";
import { personalDataOptions } from "./services";
import { createEventStore } from "../eventstore";

export const exportFormat = "rewind-event-log";
export const exportFormatVersion = 1;

export interface ExportHeader {
  format: typeof exportFormat;
  formatVersion: number;
  exportedAt: string;
  events: number;
  userKeys: number;
}

export interface ExportedEvent {
  position: number;
  streamId: string;
  streamType: string;
  version: number;
  type: string;
  data: unknown;
  metadata: unknown;
  commandId: string | null;
  recordedAt: string;
}

/** A user's key; `erased` when they were forgotten while the export ran (counted, never restored). */
export type ExportedUserKey = { userId: string; key: string; createdAt: string } | { userId: string; erased: true };

export type ExportLine = { header: ExportHeader } | { event: ExportedEvent } | { userKey: ExportedUserKey };

const pageSize = 2_000;

/**
 * Writes the log, page by page in position order, from one consistent snapshot (a REPEATABLE READ
 * transaction: events appended meanwhile are in the next backup, never half in this one).
 */
export async function exportLog(
  database: Database,
  write: (line: string) => Promise<void> | void,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ExportHeader> {
  return database.transaction(async (tx) => {
    if (database.backend === "postgres") await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const [counts] = await tx.query<{ events: number; keys: number }>(
      "SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM user_keys)::int AS keys",
    );
    const header: ExportHeader = {
      format: exportFormat,
      formatVersion: exportFormatVersion,
      exportedAt: new Date().toISOString(),
      events: counts!.events,
      userKeys: counts!.keys,
    };
    await write(`${JSON.stringify({ header })}\n`);
    let done = 0;
    for (let after = 0; ;) {
      // The database writes each line: the server only passes text along.
      const rows = await tx.query<{ position: number; line: string }>(
        `SELECT position, json_build_object('event', json_build_object(
                  'position', position, 'streamId', stream_id, 'streamType', stream_type, 'version', version,
                  'type', type, 'data', data, 'metadata', metadata, 'commandId', command_id,
                  'recordedAt', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text AS line
           FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) break;
      await write(rows.map((row) => `${row.line}\n`).join(""));
      after = rows[rows.length - 1]!.position;
      done += rows.length;
      onProgress(done, header.events);
    }
    const keys = await tx.query<{ user_id: string; line: string }>(
      `SELECT user_id, json_build_object('userKey', json_build_object('userId', user_id, 'key', encode(key, 'base64'),
                'createdAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text AS line
         FROM user_keys ORDER BY user_id`,
    );
    if (keys.length === 0) return header;
    // The snapshot may predate a forget that has answered since: its key must not leave now. The
    // keys still there are held (FOR SHARE, outside the snapshot) while they are written, so a
    // forget under way waits for them; a forgotten one is written as erased. (PGlite runs one
    // transaction at a time: no forget can have come since the snapshot.)
    const writeKeys = async (present: Set<string>) => {
      const lines = keys.map((row) =>
        present.has(row.user_id) ? row.line : JSON.stringify({ userKey: { userId: row.user_id, erased: true } }),
      );
      await write(lines.map((line) => `${line}\n`).join(""));
    };
    if (database.backend === "pglite") await writeKeys(new Set(keys.map((row) => row.user_id)));
    else
      await database.transaction(async (now) => {
        const held = await now.query<{ user_id: string }>(
          "SELECT user_id FROM user_keys WHERE user_id = ANY($1::uuid[]) FOR SHARE",
          [keys.map((row) => row.user_id)],
        );
        await writeKeys(new Set(held.map((row) => row.user_id)));
      });
    return header;
  });
}

export class ImportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportRefused";
  }
}

export interface ImportReport {
  events: number;
  userKeys: number;
  users: number;
}

/**
 * Replays an export into an empty, migrated database: events at their original positions, versions
 * and instants (checked: every stream gap-free), the keys, then the users table folded from the log.
 */
export async function importLog(
  database: Database,
  lines: AsyncIterable<string>,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportReport> {
  const [{ present } = { present: 0 }] = await database.query<{ present: number }>(
    "SELECT count(*)::int AS present FROM events",
  );
  if (present > 0)
    throw new ImportRefused(`The database already holds ${present} events: import into an empty database`);

  let header: ExportHeader | undefined;
  let events: ExportedEvent[] = [];
  const keys: ExportedUserKey[] = [];
  let imported = 0;
  let lineNumber = 0;
  const flush = async () => {
    if (events.length === 0) return;
    const batch = events;
    events = [];
    await insertEvents(database, batch);
    imported += batch.length;
    onProgress(imported, header!.events);
  };
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    let record: ExportLine;
    try {
      record = JSON.parse(line) as ExportLine;
    } catch {
      throw new ImportRefused(`Line ${lineNumber} is not JSON`);
    }
    if ("header" in record) {
      if (record.header.format !== exportFormat || record.header.formatVersion !== exportFormatVersion)
        throw new ImportRefused(`Line ${lineNumber}: not a ${exportFormat} export of version ${exportFormatVersion}`);
      header = record.header;
    } else if (!header) throw new ImportRefused("The export has no header line: is it a Rewind export?");
    else if ("event" in record) {
      events.push(record.event);
      if (events.length >= pageSize) await flush();
    } else if ("userKey" in record) keys.push(record.userKey);
    else throw new ImportRefused(`Line ${lineNumber}: unknown record`);
  }
  await flush();
  if (!header) throw new ImportRefused("The export is empty");
  if (imported !== header.events || keys.length !== header.userKeys)
    throw new ImportRefused(
      `The export is cut short: ${imported} of ${header.events} events, ${keys.length} of ${header.userKeys} keys`,
    );

  // Positions continue after the imported ones.
  await database.query(
    "SELECT setval(pg_get_serial_sequence('events', 'position'), greatest((SELECT max(position) FROM events), 1))",
  );
  const gaps = await streamsWithGaps(database, 5);
  if (gaps.length > 0) throw new ImportRefused(`Streams with missing versions: ${gaps.join(", ")}`);
  const restorable = keys.filter((key): key is Extract<ExportedUserKey, { key: string }> => !("erased" in key));
  for (let start = 0; start < restorable.length; start += pageSize) {
    const page = restorable.slice(start, start + pageSize);
    await database.query(
      `INSERT INTO user_keys (user_id, key, created_at)
       SELECT user_id, decode(key, 'base64'), created_at FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS k(user_id, key, created_at)`,
      [page.map((key) => key.userId), page.map((key) => key.key), page.map((key) => key.createdAt)],
    );
  }
  const users = await rebuildUsersTable(database);
  await checkUserVersions(database, { repair: true });
  return { events: imported, userKeys: restorable.length, users };
}

/** Streams whose versions do not run 1…n without a gap (at most `limit` of them). */
export async function streamsWithGaps(database: Queryable, limit = 100): Promise<string[]> {
  const rows = await database.query<{ stream_id: string }>(
    "SELECT stream_id FROM events GROUP BY stream_id HAVING max(version) <> count(*) OR min(version) <> 1 LIMIT $1",
    [limit],
  );
  return rows.map((row) => row.stream_id);
}

async function insertEvents(database: Queryable, events: ExportedEvent[]): Promise<void> {
  await database.query(
    `INSERT INTO events (position, stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::timestamptz[])`,
    [
      events.map((event) => event.position),
      events.map((event) => event.streamId),
      events.map((event) => event.streamType),
      events.map((event) => event.version),
      events.map((event) => event.type),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => JSON.stringify(event.metadata)),
      events.map((event) => event.commandId),
      events.map((event) => event.recordedAt),
    ],
  );
}

/** The users table (the inline projection), made anew by folding every user stream. */
export async function rebuildUsersTable(database: Database): Promise<number> {
  const store = createEventStore(database, personalDataOptions(database));
  const streams = await database.query<{ stream_id: string }>(
    "SELECT DISTINCT stream_id FROM events WHERE stream_type = 'user' ORDER BY stream_id",
  );
  let rows = 0;
  await database.exec("DELETE FROM users");
  for (const { stream_id } of streams) {
    const { state } = await store.aggregateStream(stream_id, {
      initialState: userFold.initialState,
      evolve: userFold.evolve,
    });
    // Forgotten, or forgotten while the export ran (their key left out): no row, as after forget.
    if (state.status === "unregistered" || state.status === "forgotten" || state.email === erasedValue) continue;
    const upsert = upsertUserRow(state);
    await database.query(
      `WITH appended AS (SELECT version, recorded_at FROM events WHERE stream_id = $5) ${upsert.text}`,
      [...upsert.values!, stream_id],
    );
    rows++;
  }
  return rows;
}

/** A checksum of each derived table's content (and of the log), to compare a restore with its source. */
export async function contentChecksums(
  database: Queryable,
  tables: readonly string[],
): Promise<Record<string, string>> {
  const checksums: Record<string, string> = {};
  for (const table of ["events", ...tables]) {
    // The whole row, but for the events' transaction id (the writing transaction's, new in a restore).
    const columns =
      table === "events"
        ? "(position, stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)"
        : `"${table}"`;
    const [row] = await database.query<{ checksum: string; rows: number }>(
      `SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) AS checksum, count(*)::int AS rows
         FROM (SELECT ${columns}::text AS line FROM "${table}") AS content`,
    );
    checksums[table] = `${row!.rows} rows, md5 ${row!.checksum}`;
  }
  return checksums;
}
