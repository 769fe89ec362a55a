// Every statement the event store sends, in one place, and how an append and the inline statements
// given with it become one statement.
import type { Statement } from "../db/database";
import { InvalidEventStoreArgument } from "./errors";

export const eventColumns = "position, stream_id, stream_type, version, type, data, metadata, recorded_at";

// One statement, one round trip: the head version is read and checked against the expected range,
// and the events are numbered from it. A concurrent append that wins the race makes this one fail
// on the (stream_id, version) primary key, never produces a gap or a duplicate.
// Recorded instants only grow within a stream: an event is recorded at the transaction's time, or a
// microsecond after the stream's last event when the clock says otherwise (it stepped back), so that
// what was known about a stream only grows with time (the temporal index cannot end a version before
// it began). Instants given by the caller (imports, generated histories) are kept as given.
const recordedNow = "greatest(now(), head.last_recorded_at + interval '1 microsecond')";
// The stream's version and its last event's recording instant (0 and null for a new stream).
const streamHead = `(SELECT coalesce(max(version), 0) AS version,
               (SELECT recorded_at FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1) AS last_recorded_at
          FROM events WHERE stream_id = $1) AS head`;

export const appendStatement = `
INSERT INTO events (stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
SELECT $1, $2, head.version + batch.ordinal, batch.type, batch.data::jsonb, batch.metadata::jsonb,
       CASE WHEN batch.ordinal = 1 THEN $6 END, coalesce(batch.recorded_at, $7::timestamptz, ${recordedNow})
  FROM ${streamHead}
 CROSS JOIN unnest($3::text[], $4::text[], $5::text[], $10::timestamptz[])
       WITH ORDINALITY AS batch(type, data, metadata, recorded_at, ordinal)
 WHERE head.version BETWEEN $8 AND $9
RETURNING version, position, recorded_at`;

// The same for the common case of one event, without the arrays (cheaper to encode and to plan).
export const appendOneStatement = `
INSERT INTO events (stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
SELECT $1, $2, head.version + 1, $3, $4::jsonb, $5::jsonb, $6, coalesce($7::timestamptz, ${recordedNow})
  FROM ${streamHead}
 WHERE head.version BETWEEN $8 AND $9
RETURNING version, position, recorded_at`;

export const streamVersionStatement = `SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1`;

// The events of one earlier append, found by its command id (set on the append's first event).
export const commandEventsStatement = `
SELECT ${eventColumns} FROM events
 WHERE stream_id = $1
   AND version >= (SELECT version FROM events WHERE stream_id = $1 AND command_id = $2)
   AND metadata->>'commandId' = $2
 ORDER BY version`;

export const readStreamStatement = `
SELECT ${eventColumns} FROM events
 WHERE stream_id = $1 AND version BETWEEN $2 AND $3 AND ($4::timestamptz IS NULL OR recorded_at <= $4)
 ORDER BY version`;

// Sequence values are taken at insert and become visible at commit, so positions appear out of
// order under concurrency. Reading in (transaction id, position) order, only from transactions
// older than every transaction still in flight, gives an order in which nothing can later appear
// behind a reader: every transaction below the snapshot's xmin has ended.
const afterCursor = `
 WHERE (transaction_id, position) > (
         CASE WHEN $1::bigint = 0 THEN '0'::xid8
              ELSE (SELECT transaction_id FROM events WHERE position = $1::bigint) END,
         $1::bigint)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

export const readAllStatement = `
SELECT ${eventColumns} FROM events ${afterCursor}
 ORDER BY transaction_id, position
 LIMIT $2`;

// The same page, but only the kept types' rows come back whole (the others are only counted and
// passed), with the page's last position and size on every row — or on one empty row when none is kept.
export const readAllKeptStatement = `
WITH page AS (
  SELECT transaction_id, position, type FROM events ${afterCursor}
   ORDER BY transaction_id, position
   LIMIT $2
), last AS (
  SELECT position, count(*) OVER () AS scanned FROM page ORDER BY transaction_id DESC, position DESC LIMIT 1
)
SELECT ${eventColumns
  .split(", ")
  .map((column) => `e.${column}`)
  .join(", ")}, last.position AS last_position, last.scanned
  FROM last
  LEFT JOIN page ON page.type = ANY($3::text[])
  -- One index probe per kept row: LIMIT keeps the planner from turning this into a join over the
  -- whole table (which it does on a freshly loaded table, before statistics say positions are unique).
  LEFT JOIN LATERAL (SELECT * FROM events WHERE events.position = page.position LIMIT 1) e ON true
 ORDER BY page.transaction_id, page.position`;

export const nearestSnapshotStatement = `
SELECT version, state, max_recorded_at FROM snapshots
 WHERE stream_id = $1 AND fold_name = $2 AND fold_version = $3 AND version <= $4
   AND ($5::timestamptz IS NULL OR max_recorded_at <= $5)
 ORDER BY version DESC
 LIMIT 1`;

// A fold's starting point and what follows it in one round trip: the nearest snapshot (a row marked
// as such, its state in \`data\`), then the stream's events after it — and, when the application
// reads something with every fold (a user's key), first a row with that value in \`data\` and
// \`is_snapshot\` NULL.
// `companion`: a query of one jsonb value (at most one row), its parameters numbered from $6.
export function snapshotAndEventsStatement(companion?: string): string {
  const companionRow =
    companion === undefined
      ? ""
      : `SELECT NULL::bigint AS position, NULL::text AS stream_id, NULL::text AS stream_type, NULL::integer AS version,
       NULL::text AS type, (${companion})::jsonb AS data, NULL::jsonb AS metadata, NULL::timestamptz AS recorded_at,
       NULL::boolean AS is_snapshot
 UNION ALL
`;
  return `
WITH nearest AS (${nearestSnapshotStatement})
${companionRow}SELECT NULL::bigint AS position, NULL::text AS stream_id, NULL::text AS stream_type, version, NULL::text AS type,
       state AS data, NULL::jsonb AS metadata, max_recorded_at AS recorded_at, true AS is_snapshot
  FROM nearest
 UNION ALL
SELECT ${eventColumns}, false
  FROM events
 WHERE stream_id = $1 AND version > coalesce((SELECT version FROM nearest), 0) AND version <= $4
   AND ($5::timestamptz IS NULL OR recorded_at <= $5)
 ORDER BY is_snapshot DESC NULLS FIRST, version`;
}

export const saveSnapshotsStatement = `
INSERT INTO snapshots (stream_id, fold_name, fold_version, version, state, max_recorded_at)
SELECT $1, $2, $3, taken.version, taken.state::jsonb, taken.max_recorded_at
  FROM unnest($4::int[], $5::text[], $6::timestamptz[]) AS taken(version, state, max_recorded_at)
ON CONFLICT DO NOTHING`;

export const countAfterStatement = `SELECT count(*)::bigint AS count FROM events ${afterCursor}`;

export const positionExistsStatement = `SELECT 1 FROM events WHERE position = $1 LIMIT 1`;

// The last event readAll can return now: where a subscriber that wants only new events starts.
export const headPositionStatement = `
SELECT position FROM events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id DESC, position DESC
 LIMIT 1`;

/**
 * `text` with every parameter `$n` made `$(n + offset)`. It reads the text as PostgreSQL's lexer
 * does, so a `$` inside a string, a quoted identifier, a comment, a dollar-quoted body or an
 * identifier (`a$1`) is left alone. Each parameter must be one of the statement's `count` values.
 */
export function shiftParameters(text: string, offset: number, count: number): string {
  let shifted = "";
  let at = 0;
  const isIdentifierChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_$]/u.test(char);
  const copyUntil = (end: number) => {
    shifted += text.slice(at, end);
    at = end;
  };
  while (at < text.length) {
    const char = text[at]!;
    const next = text[at + 1];
    if (char === "'" || char === '"') {
      // Quotes inside are doubled; an E'…' string may also escape one with a backslash.
      const escapes = char === "'" && /[eE]/.test(text[at - 1] ?? "") && !isIdentifierChar(text[at - 2]);
      let end = at + 1;
      while (end < text.length) {
        if (escapes && text[end] === "\\") end += 2;
        else if (text[end] === char && text[end + 1] === char) end += 2;
        else if (text[end] === char) break;
        else end++;
      }
      copyUntil(Math.min(end + 1, text.length));
    } else if (char === "-" && next === "-") {
      const end = text.indexOf("\n", at);
      copyUntil(end === -1 ? text.length : end);
    } else if (char === "/" && next === "*") {
      let depth = 0;
      let end = at;
      do {
        if (text.startsWith("/*", end)) {
          depth++;
          end += 2;
        } else if (text.startsWith("*/", end)) {
          depth--;
          end += 2;
        } else end++;
      } while (depth > 0 && end < text.length);
      copyUntil(end);
    } else if (char === "$" && !isIdentifierChar(text[at - 1])) {
      const parameter = /^\$(\d+)/.exec(text.slice(at));
      const tag = /^\$([\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(text.slice(at));
      if (parameter) {
        const n = Number(parameter[1]);
        if (n < 1 || n > count)
          throw new InvalidEventStoreArgument("inlineStatement", `$${n} names no parameter (it has ${count})`);
        shifted += `$${n + offset}`;
        at += parameter[0].length;
      } else if (tag) {
        const end = text.indexOf(tag[0], at + tag[0].length);
        copyUntil(end === -1 ? text.length : end + tag[0].length);
      } else copyUntil(at + 1);
    } else {
      // Up to the next character that may start a quote, comment or parameter, in one piece.
      const end = text.slice(at + 1).search(/['"$/-]/);
      copyUntil(end === -1 ? text.length : at + 1 + end);
    }
  }
  return shifted;
}

const composedFoldReads = new Map<string, string>();

/**
 * A fold's read (snapshotAndEventsStatement, given its five values) with the application's companion
 * query, if any, in the same statement: one round trip for the stream and what reading it needs.
 */
export function snapshotAndEventsRead(values: unknown[], companion?: Statement): Statement {
  const name = "rewind.snapshot_and_events";
  if (!companion) return { name, text: snapshotAndEventsStatement(), values };
  const own = companion.values ?? [];
  const key = `${values.length} ${own.length} ${companion.text}`;
  let text = composedFoldReads.get(key);
  if (text === undefined) {
    text = snapshotAndEventsStatement(shiftParameters(companion.text, values.length, own.length));
    // Companions are a few fixed texts; a bound keeps a caller that builds them on the fly from growing this.
    if (composedFoldReads.size >= 100) composedFoldReads.clear();
    composedFoldReads.set(key, text);
  }
  const composedName = companion.name === undefined ? undefined : `${name}+${companion.name}`;
  return {
    // Cut at 63 bytes, two names would share a prepared statement: a longer one goes unnamed (as below).
    name: composedName !== undefined && Buffer.byteLength(composedName) <= 63 ? composedName : undefined,
    text,
    values: [...values, ...own],
  };
}

const shiftedTexts = new Map<string, Map<number, string>>();

/**
 * `shiftParameters`, remembered: the inline statements of an append are a few fixed texts at a few
 * offsets, and lexing them again on every command was the largest part of composing the append in
 * the server's CPU profile.
 */
function shiftedParameters(text: string, offset: number, count: number): string {
  let byPlace = shiftedTexts.get(text);
  const place = offset * 65_536 + count;
  const known = byPlace?.get(place);
  if (known !== undefined) return known;
  const shifted = shiftParameters(text, offset, count);
  if (!byPlace) {
    // Bounded, like the fold's compositions: a caller that builds texts on the fly does not grow it.
    if (shiftedTexts.size >= 200) shiftedTexts.clear();
    byPlace = new Map();
    shiftedTexts.set(text, byPlace);
  }
  byPlace.set(place, shifted);
  return shifted;
}

/**
 * The append and its inline statements as one statement: the append becomes the CTE `appended`
 * (version, position, recorded_at of the rows written), each inline statement a data-modifying CTE
 * after it with its parameters numbered after the append's. PostgreSQL runs them all, whether the
 * main query reads them or not, in the statement's one snapshot: all of it commits, or none.
 */
export function withInlineStatements(append: Statement, inline: readonly Statement[]): Statement {
  if (inline.length === 0) return append;
  let values = append.values ?? [];
  let name = append.name;
  const companions = inline.map((statement, index) => {
    const own = statement.values ?? [];
    const text = shiftedParameters(statement.text, values.length, own.length);
    values = [...values, ...own];
    name = name && statement.name ? `${name}+${statement.name}` : undefined;
    return `inline_projection${index === 0 ? "" : `_${index + 1}`} AS (${text})`;
  });
  return {
    // PostgreSQL cuts a prepared statement's name at 63 bytes: two compositions sharing a cut name
    // would run each other's text, so a longer one is sent unnamed.
    name: name !== undefined && Buffer.byteLength(name) <= 63 ? name : undefined,
    text: `WITH appended AS (${append.text}), ${companions.join(", ")} SELECT version, position, recorded_at FROM appended`,
    values,
  };
}
