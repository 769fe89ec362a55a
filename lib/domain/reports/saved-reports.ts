// Saved reports: questions a product owner declares on the dashboard ("deactivations per month by
// category") instead of a developer coding them. A definition picks from fixed catalogues — event
// types, fields to filter on, fields to group by — and this module is what those choices mean, for
// one event at a time. Nothing a user types ever runs: the catalogues are the whole language.
import type { UserEventType } from "../users/events";

/**
 * What the log records of a saved report's life, in its stream report-<id>: a definition is a
 * decision about what the product measures, so it is audited like every other change.
 */
export const savedReportEventTypes = ["report.defined", "report.redefined", "report.deleted"] as const;

export type SavedReportEventType = (typeof savedReportEventTypes)[number];

/** A field a filter can test. Personal fields can only be tested for being set, never for their value. */
export const filterFields = {
  "data.category": { label: "Deactivation category", personal: false },
  "data.userId": { label: "User id (registrations)", personal: false },
  "metadata.actor": { label: "Actor (who did it)", personal: false },
  "data.name": { label: "Name", personal: true },
  "data.email": { label: "Email", personal: true },
  "data.passwordHash": { label: "Password", personal: true },
  "data.reason": { label: "Deactivation reason", personal: true },
  "metadata.reason": { label: "Reason given with the command", personal: true },
} as const;

export type FilterField = keyof typeof filterFields;

/** Value tests, for fields that are not personal. */
export const valueOperators = ["equals", "one_of", "starts_with"] as const;
/** Presence tests, the only ones personal fields offer: "changed" means the event sets the field. */
export const presenceOperators = ["changed", "not_changed"] as const;

export type ReportFilter =
  | { field: FilterField; operator: (typeof valueOperators)[number]; values: string[] }
  | { field: FilterField; operator: (typeof presenceOperators)[number] };

/**
 * What a report can be grouped by: fields with few values. A derived field (the email's domain) is
 * computed by this module, never by code from the definition.
 */
export const groupFields = {
  type: "Event type",
  "data.category": "Deactivation category",
  "metadata.actor": "Actor",
  email_domain: "Email domain (of the new email)",
} as const;

export type GroupField = keyof typeof groupFields;

/** Fields with a value per user or per event: grouping by them would make a row per value, without bound. */
export const unboundedGroupFields = [
  "data.userId",
  "data.name",
  "data.email",
  "data.reason",
  "metadata.reason",
  "streamId",
] as const;

export const periods = ["day", "week", "month"] as const;
export type Period = (typeof periods)[number];

export const countKinds = ["events", "users"] as const;
export type CountKind = (typeof countKinds)[number];

export interface ReportDefinition {
  name: string;
  eventTypes: UserEventType[];
  filter?: ReportFilter;
  count: CountKind;
  period: Period;
  groupBy?: GroupField;
}

/** What the module needs of an event: the store's recorded events satisfy it. */
export interface ReportedEvent {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

/** The group of a report that is not grouped. */
export const allGroup = "(all)";
/** The group of an event that lacks the grouped field. */
export const noneGroup = "(none)";

function fieldValue(event: ReportedEvent, field: string): unknown {
  const [where, key] = field.split(".") as ["data" | "metadata", string];
  return event[where][key];
}

export function matchesFilter(filter: ReportFilter | undefined, event: ReportedEvent): boolean {
  if (!filter) return true;
  const value = fieldValue(event, filter.field);
  switch (filter.operator) {
    case "changed":
      return value !== undefined && value !== null && value !== "";
    case "not_changed":
      return value === undefined || value === null || value === "";
    case "equals":
      return typeof value === "string" && value === filter.values[0];
    case "one_of":
      return typeof value === "string" && filter.values.includes(value);
    case "starts_with":
      return typeof value === "string" && value.startsWith(filter.values[0] ?? "");
  }
}

/** The domain of an email, lower-cased; "[erased]" and malformed values stay as they read. */
export function emailDomain(email: unknown): string {
  if (typeof email !== "string") return noneGroup;
  const at = email.lastIndexOf("@");
  return at < 0 ? email : email.slice(at + 1).toLowerCase();
}

export function groupOf(groupBy: GroupField | undefined, event: ReportedEvent): string {
  switch (groupBy) {
    case undefined:
      return allGroup;
    case "type":
      return event.type;
    case "email_domain":
      return emailDomain(event.data.email);
    case "data.category":
    case "metadata.actor": {
      const value = fieldValue(event, groupBy);
      return typeof value === "string" && value !== "" ? value : noneGroup;
    }
  }
}

/** One row of a report's projection: how many of a day's events fell in a group (and whose, when users are counted). */
export interface TallyRow {
  day: string;
  group: string;
  /** The user's id when the report counts distinct users; "" when it counts events. */
  userKey: string;
  events: number;
}

const userIdOf = (streamId: string) => streamId.slice(streamId.indexOf("-") + 1);

/** The rows a batch of events adds to a report's projection, summed per day, group (and user). */
export function tally(
  definition: Pick<ReportDefinition, "eventTypes" | "filter" | "count" | "groupBy">,
  events: readonly ReportedEvent[],
) {
  const rows = new Map<string, TallyRow>();
  for (const event of events) {
    if (!(definition.eventTypes as readonly string[]).includes(event.type) || !matchesFilter(definition.filter, event))
      continue;
    const day = event.recordedAt.toISOString().slice(0, 10);
    const group = groupOf(definition.groupBy, event);
    const userKey = definition.count === "users" ? userIdOf(event.streamId) : "";
    const key = `${day}\u0000${group}\u0000${userKey}`;
    const row = rows.get(key);
    if (row) row.events++;
    else rows.set(key, { day, group, userKey, events: 1 });
  }
  return [...rows.values()];
}

/** Whether grouping reads a field derived from personal data (then a user's rows are erased with them). */
export const groupsByPersonalData = (groupBy: GroupField | undefined) => groupBy === "email_domain";
