// What the saved-reports API does, over the process-wide services: each change wakes this
// process's runner, so a new report starts catching up at once, and is recorded in the log
// (stream report-<id>), so the audit trail shows who defined, changed or deleted which report.
import type { JsonObject } from "../../eventstore";
import type { ReportDefinition, SavedReportEventType } from "../../domain/reports/saved-reports";
import { commandHandler, type CommandContext } from "../command-handler";
import { savedReportsChanged } from "../projections";
import { getServices } from "../services";
import { SavedReportNotFound } from "../errors";
import {
  createSavedReport,
  deleteSavedReport,
  getSavedReport,
  listSavedReports,
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
