// What the saved-reports API does, over the process-wide services: each change also wakes this
// process's runner, so a new report starts catching up at once.
import type { ReportDefinition } from "../../domain/reports/saved-reports";
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

export async function savedReports(): Promise<SavedReport[]> {
  return listSavedReports((await getServices()).database);
}

export async function savedReport(id: number): Promise<SavedReport> {
  return getSavedReport((await getServices()).database, id);
}

export async function saveReport(definition: ReportDefinition, actor: string): Promise<SavedReport> {
  const report = await createSavedReport((await getServices()).database, definition, actor);
  savedReportsChanged();
  return report;
}

export async function editReport(id: number, definition: ReportDefinition): Promise<SavedReport> {
  const report = await updateSavedReport((await getServices()).database, id, definition);
  savedReportsChanged();
  return report;
}

export async function removeReport(id: number): Promise<void> {
  await deleteSavedReport((await getServices()).database, id);
  savedReportsChanged();
}
