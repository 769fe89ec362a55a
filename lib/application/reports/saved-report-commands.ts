// What the saved-reports API does, over the process-wide services: each change wakes this
// process's runner, so a new report starts catching up at once, and is recorded in the log
// (stream report-<id>), so the audit trail shows who defined, changed or deleted which report.
import type { EventStore, JsonObject } from "../../eventstore";
import type { ReportDefinition, SavedReportEventType } from "../../domain/reports/saved-reports";
import {
  evolveSavedReport,
  noSavedReport,
  revisionAfter,
  type SavedReportState,
} from "../../domain/reports/saved-report-stream";
import {
  commandHandler,
  decidedAgainst,
  type CommandContext,
  type DecidedAgainst,
  type DecisionPoint,
  type Loaded,
} from "../command-handler";
import { savedReportsChanged } from "../projections";
import { getServices } from "../services";
import { SavedReportNotFound } from "../errors";
import {
  assertRoomForAnotherReport,
  createSavedReport,
  deleteSavedReport,
  getSavedReport,
  listSavedReports,
  savedReportCount,
  updateSavedReport,
  type SavedReport,
} from "./saved-reports";

const savedReportIdPattern = /^[1-9][0-9]{0,8}$/;

/** The report's id from a path segment; anything else is a report that does not exist. */
export function savedReportId(segment: string): number {
  if (!savedReportIdPattern.test(segment)) throw new SavedReportNotFound(segment);
  return Number(segment);
}

/** Who changes a report, for its events' metadata. */
export type ReportChangeContext = Pick<CommandContext, "actor" | "correlationId">;

type ReportChange = { reportId: number; type: SavedReportEventType; data: JsonObject };

// The definitions table is what the runner and the API read; the stream records the changes made
// to it, after they are made (like an admin's actions): nothing is decided on it.
const recordReportChange = commandHandler<ReportChange, null, { type: SavedReportEventType; data: JsonObject }>({
  store: async () => (await getServices()).store,
  streamId: (change) => `report-${change.reportId}`,
  load: async () => ({ state: null, version: "any" }),
  decide: (change) => [{ type: change.type, data: { reportId: change.reportId, ...change.data } }],
  evolve: (state) => state,
  plan: ({ events }) => ({ events: events.map((event) => ({ ...event, metadata: { schemaVersion: 1 } })) }),
});

const definitionData = (report: SavedReport): JsonObject => ({
  name: report.name,
  revision: report.revision,
  definition: report.definition as unknown as JsonObject,
});

export async function savedReports(): Promise<SavedReport[]> {
  return listSavedReports((await getServices()).database);
}

export async function savedReport(id: number): Promise<SavedReport> {
  return getSavedReport((await getServices()).database, id);
}

export async function saveReport(definition: ReportDefinition, context: ReportChangeContext): Promise<SavedReport> {
  const report = await createSavedReport((await getServices()).database, definition, context.actor);
  savedReportsChanged();
  await recordReportChange({ reportId: report.id, type: "report.defined", data: definitionData(report) }, context);
  return report;
}

export async function editReport(
  id: number,
  definition: ReportDefinition,
  context: ReportChangeContext,
): Promise<SavedReport> {
  const report = await updateSavedReport((await getServices()).database, id, definition);
  savedReportsChanged();
  await recordReportChange({ reportId: id, type: "report.redefined", data: definitionData(report) }, context);
  return report;
}

export async function removeReport(id: number, context: ReportChangeContext): Promise<void> {
  const name = await deleteSavedReport((await getServices()).database, id);
  savedReportsChanged();
  await recordReportChange({ reportId: id, type: "report.deleted", data: { name } }, context);
}

/** A change to a saved report, as a dry run decides it. */
export type ReportChangeCommand =
  | { kind: "define"; definition: ReportDefinition }
  | { kind: "redefine"; reportId: number; definition: ReportDefinition }
  | { kind: "delete"; reportId: number };

type ReportEvent = { type: SavedReportEventType; data: JsonObject };

/** The stream a new report's dry run is decided on: it has no id, which only saving issues. */
const newReportStream = "report-new";
const reportStreamId = (change: ReportChangeCommand) =>
  change.kind === "define" ? newReportStream : `report-${change.reportId}`;
const reportIdOf = (streamId: string) => Number(streamId.slice("report-".length));

/**
 * The rules of a change, given the report it meets: the cap on saved reports (shared with saving,
 * which counts again under its lock) and a report that exists (what the table's UPDATE or DELETE
 * finds), and the events the change records, as saving records them.
 */
async function decideReportChange(change: ReportChangeCommand, report: SavedReportState): Promise<ReportEvent[]> {
  switch (change.kind) {
    case "define":
      assertRoomForAnotherReport(await savedReportCount((await getServices()).database));
      return [
        {
          type: "report.defined",
          data: {
            reportId: null,
            name: change.definition.name,
            revision: revisionAfter(noSavedReport),
            definition: change.definition as unknown as JsonObject,
          },
        },
      ];
    case "redefine":
      if (report.status !== "saved") throw new SavedReportNotFound(String(change.reportId));
      return [
        {
          type: "report.redefined",
          data: {
            reportId: change.reportId,
            name: change.definition.name,
            revision: revisionAfter(report),
            definition: change.definition as unknown as JsonObject,
          },
        },
      ];
    case "delete":
      if (report.status !== "saved") throw new SavedReportNotFound(String(change.reportId));
      return [{ type: "report.deleted", data: { reportId: change.reportId, name: report.name } }];
    default: {
      const unknownChange: never = change;
      throw new Error(`Unknown report change ${JSON.stringify(unknownChange)}`);
    }
  }
}

const streamVersion = async (store: EventStore, streamId: string) =>
  (await store.readStream(streamId)).at(-1)?.version ?? 0;

/** The report now: as the definitions table holds it (what saving decides on), at its stream's version. */
async function loadReportNow(store: EventStore, streamId: string): Promise<Loaded<SavedReportState>> {
  if (streamId === newReportStream) return { state: noSavedReport, version: 0 };
  const { database } = await getServices();
  const report = await getSavedReport(database, reportIdOf(streamId)).catch((error: unknown) => {
    if (error instanceof SavedReportNotFound) return undefined;
    throw error;
  });
  const state: SavedReportState = report
    ? { status: "saved", name: report.name, revision: report.revision, definition: report.definition }
    : noSavedReport;
  return { state, version: await streamVersion(store, streamId) };
}

/** The report as its stream had it right after a version, or as recorded by an instant (reports have one time axis). */
async function loadReportAt(
  store: EventStore,
  streamId: string,
  point: DecisionPoint,
): Promise<Loaded<SavedReportState>> {
  const events = await store.readStream(
    streamId,
    "version" in point ? { toVersion: point.version } : { until: new Date(point.effectiveAt) },
  );
  const reached = events.at(-1)?.version ?? 0;
  if ("version" in point && reached !== point.version)
    throw new SavedReportNotFound(
      String(reportIdOf(streamId)),
      `Saved report ${reportIdOf(streamId)} has no version ${point.version}: its stream is at version ${reached}`,
    );
  return { state: events.reduce(evolveSavedReport, noSavedReport), version: reached };
}

// Dry runs only: the same rules, decided on the table's report now or the stream's at a point. The
// real changes are made by the table's statements above and then recorded (recordReportChange).
const decideReportChanges = commandHandler<ReportChangeCommand, SavedReportState, ReportEvent>({
  store: async () => (await getServices()).store,
  streamId: reportStreamId,
  load: loadReportNow,
  loadAt: loadReportAt,
  decide: decideReportChange,
  evolve: evolveSavedReport,
});

/** A report as a change is decided on: its id (null: a new one, whose id only saving issues), name, revision, definition. */
export interface ReportAsDecided {
  id: number | null;
  name: string;
  revision: number;
  definition: ReportDefinition;
}

/** What a change to a saved report would record, decided but not made. */
export interface SavedReportPreview {
  dryRun: true;
  decidedAgainst: DecidedAgainst;
  events: { type: SavedReportEventType; stream: string | null; data: JsonObject }[];
  /** The report decided against (null: none), and as the change would leave it (null: deleted). */
  before: ReportAsDecided | null;
  state: ReportAsDecided | null;
}

const asDecided = (id: number | null, state: SavedReportState): ReportAsDecided | null =>
  state.status === "saved" ? { id, name: state.name, revision: state.revision, definition: state.definition } : null;

/**
 * A dry run of a change to a saved report: the same validation (the route's), limit and existence
 * rules and refusals as the change itself, against the report now or at `point`; nothing is written,
 * no id or sequence is taken, no runner is woken.
 */
export async function previewReportChange(
  change: ReportChangeCommand,
  context: ReportChangeContext,
  point?: DecisionPoint,
): Promise<SavedReportPreview> {
  const { before, version, events, after } = await decideReportChanges.preview(change, context, point);
  const id = change.kind === "define" ? null : change.reportId;
  return {
    dryRun: true,
    decidedAgainst: decidedAgainst(point, version),
    events: events.map((event) => ({ ...event, stream: id === null ? null : `report-${id}` })),
    before: asDecided(id, before),
    state: asDecided(id, after),
  };
}
