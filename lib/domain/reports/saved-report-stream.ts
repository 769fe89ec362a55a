// A saved report's stream (report-<id>) folded: what the report was after each of its events. The
// definitions table is what the runner reads; the stream is its history, so a dry run can decide a
// change against the report as it was at a version or an instant (decision 028).
import type { ReportDefinition } from "./saved-reports";

export type SavedReportState =
  | { status: "none" }
  | { status: "saved"; name: string; revision: number; definition: ReportDefinition }
  | { status: "deleted"; name: string; revision: number };

export const noSavedReport: SavedReportState = { status: "none" };

/** What the fold needs of a recorded report event. */
export interface SavedReportEvent {
  /** One of savedReportEventTypes; the fold passes over any other. */
  type: string;
  data: Record<string, unknown>;
}

/** The report after one event of its stream; an event of another type changes nothing. */
export function evolveSavedReport(state: SavedReportState, event: SavedReportEvent): SavedReportState {
  switch (event.type) {
    case "report.defined":
    case "report.redefined": {
      const definition = event.data.definition as ReportDefinition;
      return {
        status: "saved",
        name: typeof event.data.name === "string" ? event.data.name : definition.name,
        revision: typeof event.data.revision === "number" ? event.data.revision : revisionAfter(state),
        definition,
      };
    }
    case "report.deleted":
      return state.status === "saved" ? { status: "deleted", name: state.name, revision: state.revision } : state;
    default:
      return state;
  }
}

/** Every edit raises the revision by one (the projection's version): the first definition is revision 1. */
export function revisionAfter(state: SavedReportState): number {
  return state.status === "none" ? 1 : state.revision + 1;
}
