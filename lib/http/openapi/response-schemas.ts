// What the API answers, as zod schemas: the OpenAPI document is generated from these and from the
// request schemas in lib/validation; the OpenAPI test checks real answers against them, so neither
// can drift from what the handlers send.
import { z } from "zod";
import { apiScopes } from "../../domain/access/scopes";
import {
  countKinds,
  filterFields,
  groupFields,
  periods,
  presenceOperators,
  savedReportEventTypes,
  valueOperators,
} from "../../domain/reports/saved-reports";
import { userEventTypes } from "../../domain/users/events";

const isoInstant = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const wholeNumber = z.number().int().min(0);

export const problem = z
  .looseObject({
    type: z
      .string()
      .meta({ description: "A URI naming the kind of problem, e.g. https://rewind.dev/problems/validation-failed" }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    correlationId: z
      .string()
      .meta({ description: "Quote it when reporting a problem: the server log has the same id" }),
    errors: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .meta({
        description: "Every field that is not valid (validation-failed)",
      }),
    currentVersion: z
      .number()
      .int()
      .optional()
      .meta({ description: "The user's version now (precondition-failed, wrong-expected-version)" }),
    retryAfterSeconds: z.number().int().optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details: the body of every 4xx and 5xx answer" });

export const user = z
  .strictObject({
    id: uuid,
    name: z.string(),
    email: z.string(),
    status: z.enum(["active", "deactivated", "forgotten"]),
    version: z.number().int().min(1).meta({ description: "The version of the user's last event; also the ETag" }),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: "User" });

export const userList = z
  .strictObject({
    items: z.array(user),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as ?cursor= for the next page; null on the last page" }),
    total: wholeNumber.meta({ description: "Users matching the filters, on every page" }),
  })
  .meta({ id: "UserList" });

export const event = z
  .strictObject({
    position: z.number().int().min(1).meta({ description: "Global position in the log: unique, increasing" }),
    streamId: z.string(),
    version: z.number().int().min(1).meta({ description: "1-based, gap-free within the stream" }),
    type: z.string().meta({ examples: ["user.renamed"] }),
    data: z.record(z.string(), z.unknown()).meta({
      description:
        "The event's fields; password hashes read [redacted]. A user event's effectiveAt says when it took effect in the world (its recordedAt unless backdated)",
    }),
    metadata: z.record(z.string(), z.unknown()).meta({
      description: "eventId, commandId, correlationId, causationId, actor, and the command's reason if any",
    }),
    recordedAt: isoInstant,
  })
  .meta({ id: "Event" });

export const userEvents = z.strictObject({ items: z.array(event) }).meta({ id: "UserEvents" });

/** Where a dry run was decided (lib/application/command-handler.ts decidedAgainst), described for its resource. */
const decidedAgainst = (describe: { version: string; at: string; whole: string }) =>
  z
    .strictObject({
      point: z.enum(["now", "version", "at"]),
      version: wholeNumber.meta({ description: describe.version }),
      at: isoInstant.optional().meta({ description: describe.at }),
    })
    .meta({ description: describe.whole });

/** A dry run's answer (decision 026): what the command would record, and nothing recorded. */
export const commandPreview = z
  .strictObject({
    dryRun: z.literal(true),
    decidedAgainst: decidedAgainst({
      version: "The user's version the command was decided on (0: no user yet)",
      at: "The effective instant asked for with ?at=",
      whole: "The user the command was decided against: as they are now, or at ?version= or ?at=",
    }),
    events: z
      .array(
        z.strictObject({
          type: z.string().meta({ examples: ["user.renamed"] }),
          data: z
            .record(z.string(), z.unknown())
            .meta({ description: "As readers of the log see it: password hashes read [redacted]" }),
          effectiveAt: isoInstant.meta({ description: "When it would take effect: its effectiveAt, else now" }),
        }),
      )
      .meta({ description: "The events it would record, in order (none when nothing would change)" }),
    before: user.nullable().meta({ description: "The user decided against (null for a registration)" }),
    state: user.meta({ description: "The user as the events would leave them, as GET would show" }),
  })
  .meta({ id: "CommandPreview" });

export const eventFeedPage = z
  .strictObject({
    items: z.array(event),
    nextAfter: wholeNumber.meta({
      description: "Pass as ?after= to read on; the same value when nothing new was there",
    }),
  })
  .meta({ id: "EventFeedPage" });

export const userExport = z
  .strictObject({ exportedAt: isoInstant, user, events: z.array(event) })
  .meta({ id: "UserExport" });

const projectionState = z.enum(["up to date", "catching up", "rebuilding", "failing"]);

export const projection = z
  .strictObject({
    name: z.string(),
    version: z.number().int(),
    state: projectionState,
    position: wholeNumber,
    head: wholeNumber,
    lagEvents: wholeNumber,
    lagSeconds: z.number().min(0),
    caughtUpAt: isoInstant.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: isoInstant.nullable(),
    rebuild: z.strictObject({ startedAt: isoInstant, applied: wholeNumber, total: wholeNumber }).nullable(),
  })
  .meta({ id: "Projection" });

export const projectionList = z.strictObject({ items: z.array(projection) }).meta({ id: "ProjectionList" });

export const rebuildStarted = z
  .strictObject({ name: z.string(), status: z.literal("rebuilding") })
  .meta({ id: "RebuildStarted" });

export const freshness = z
  .strictObject({
    projection: z.string(),
    state: projectionState,
    caughtUpAt: isoInstant.nullable(),
    lagEvents: wholeNumber,
    lagSeconds: z.number().min(0),
    progress: z.strictObject({ applied: wholeNumber, total: wholeNumber }).nullable(),
  })
  .meta({ id: "Freshness", description: "How far the report's projection has caught up with the log" });

export const nameChangesReport = z
  .strictObject({
    basis: z
      .enum(["effective", "recorded"])
      .meta({ description: "The time axis of the window: when the renames took effect, or when they were recorded" }),
    window: z.strictObject({ from: isoInstant, to: isoInstant }),
    asOf: isoInstant.nullable(),
    sort: z.enum(["current_name", "renames", "first_rename", "last_rename"]),
    order: z.enum(["asc", "desc"]),
    page: z.number().int().min(1),
    limit: z.number().int().min(1),
    total: wholeNumber,
    items: z.array(
      z.strictObject({
        userId: uuid,
        currentName: z.string(),
        renames: z.number().int().min(1),
        firstRenameAt: isoInstant,
        lastRenameAt: isoInstant,
        names: z
          .array(z.string())
          .meta({ description: "The name before the window's first rename, then each new name in order" }),
      }),
    ),
    freshness,
  })
  .meta({ id: "NameChangesReport" });

const activityCounts = {
  registrations: wholeNumber,
  renames: wholeNumber,
  emailChanges: wholeNumber,
  deactivations: wholeNumber,
};

export const activityReport = z
  .strictObject({
    window: z.strictObject({ from: isoDate, to: isoDate }),
    bucket: z.enum(["day", "week", "month"]),
    asOf: isoInstant.nullable(),
    points: z.array(z.strictObject({ start: isoDate, ...activityCounts })),
    totals: z.strictObject(activityCounts),
    freshness,
  })
  .meta({ id: "ActivityReport" });

export const cohortReport = z
  .strictObject({
    window: z.strictObject({
      from: z.string().meta({ examples: ["2025-01"] }),
      to: z.string().meta({ examples: ["2026-01"] }),
    }),
    asOf: isoInstant.nullable(),
    cohorts: z.array(
      z.strictObject({
        cohort: z.string().meta({ description: "The registration month", examples: ["2025-03"] }),
        size: wholeNumber.meta({ description: "Users who registered that month" }),
        retention: z
          .array(
            z.strictObject({ months: z.number().int().min(1), active: wholeNumber, share: z.number().min(0).max(1) }),
          )
          .meta({
            description:
              "At the start of each later month that had begun: how many of the cohort were active, and their share",
          }),
      }),
    ),
    freshness,
  })
  .meta({ id: "CohortReport" });

const filterField = z.enum(Object.keys(filterFields) as [keyof typeof filterFields]);

export const reportDefinition = z
  .strictObject({
    name: z.string(),
    eventTypes: z.array(z.enum(userEventTypes)),
    filter: z
      .union([
        z.strictObject({ field: filterField, operator: z.enum(valueOperators), values: z.array(z.string()) }),
        z.strictObject({ field: filterField, operator: z.enum(presenceOperators) }),
      ])
      .optional(),
    count: z.enum(countKinds),
    period: z.enum(periods),
    groupBy: z.enum(Object.keys(groupFields) as [keyof typeof groupFields]).optional(),
  })
  .meta({ id: "ReportDefinition" });

export const savedReport = z
  .strictObject({
    id: z.number().int().min(1),
    name: z.string(),
    definition: reportDefinition,
    revision: z.number().int().min(1).meta({ description: "Raised by every edit, which rebuilds the report" }),
    projection: z
      .string()
      .meta({ description: "The projection that keeps it (see GET /api/projections)", examples: ["saved_report_1"] }),
    createdBy: z.string(),
    createdAt: isoInstant,
    updatedAt: isoInstant,
  })
  .meta({ id: "SavedReport" });

export const savedReportList = z.strictObject({ items: z.array(savedReport) }).meta({ id: "SavedReportList" });

export const savedReportResults = z
  .strictObject({
    id: z.number().int().min(1),
    name: z.string(),
    definition: reportDefinition,
    window: z.strictObject({ from: isoDate, to: isoDate }),
    asOf: isoInstant.nullable(),
    periods: z.array(isoDate).meta({ description: "The first day of every period in the window, empty ones included" }),
    groups: z.array(z.string()).meta({ description: "Every group that has a value, sorted" }),
    points: z
      .array(z.strictObject({ start: isoDate, group: z.string(), value: wholeNumber }))
      .meta({ description: "The value of each period and group that has one (missing: 0)" }),
    freshness,
  })
  .meta({ id: "SavedReportResults" });

export const apiToken = z
  .strictObject({
    id: uuid,
    name: z.string(),
    scopes: z.array(z.enum(apiScopes)).meta({ description: "What the token may do" }),
    createdBy: z.string(),
    createdAt: isoInstant,
    lastUsedAt: isoInstant.nullable(),
    revokedAt: isoInstant.nullable(),
  })
  .meta({ id: "ApiToken" });

export const apiTokenList = z.strictObject({ items: z.array(apiToken) }).meta({ id: "ApiTokenList" });

export const createdApiToken = apiToken
  .extend({ token: z.string().meta({ description: "The secret (rwd_…): shown this once, only its hash is kept" }) })
  .meta({ id: "CreatedApiToken" });

const nextCursor = z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last" });

export const eventLogPage = z.strictObject({ items: z.array(event), nextCursor }).meta({ id: "EventLogPage" });

export const auditPage = z.strictObject({ items: z.array(event), nextCursor }).meta({ id: "AuditPage" });

export const session = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("admin"),
      email: z.string(),
      actor: z.string(),
      scopes: z.array(z.enum(apiScopes)),
    }),
    z.strictObject({
      kind: z.literal("token"),
      name: z.string(),
      actor: z.string(),
      scopes: z.array(z.enum(apiScopes)),
    }),
  ])
  .meta({ id: "Session" });

export const signedIn = z.strictObject({ email: z.string(), expiresAt: isoInstant }).meta({ id: "SignedIn" });

export const health = z.strictObject({ status: z.literal("ok") }).meta({ id: "Health" });

const readinessCheck = z.strictObject({ ok: z.boolean(), detail: z.string() });

export const readiness = z
  .strictObject({
    status: z.enum(["ready", "not ready"]),
    checks: z.strictObject({
      database: readinessCheck.meta({ description: "A query answered" }),
      migrations: readinessCheck.meta({ description: "Every migration of this version is applied" }),
      projections: readinessCheck.meta({ description: "No projection is failing" }),
    }),
  })
  .meta({ id: "Readiness" });

// Dry runs of the commands beyond the users' (decision 028): what each would record, nothing recorded.

const decidedNow = z
  .strictObject({ point: z.literal("now") })
  .meta({ description: "A token or a rebuild has no versions: a dry run is always decided now" });

export const apiTokenPreview = z
  .strictObject({
    dryRun: z.literal(true),
    decidedAgainst: decidedNow,
    events: z
      .array(
        z.strictObject({
          type: z.enum(["admin.api_token_created", "admin.api_token_revoked"]),
          stream: z.string().meta({ description: "The admin's stream (admin-<id>)" }),
          data: z.record(z.string(), z.unknown()).meta({
            description: "As it would be recorded; a token not created yet has no id (only creating issues one)",
          }),
        }),
      )
      .meta({ description: "The admin action it would record" }),
    before: apiToken.nullable().meta({ description: "The token revoked (null when creating one)" }),
    state: apiToken.partial({ id: true, createdAt: true }).meta({
      description:
        "The token as the command would leave it; never a secret or hash (a token previewed is not made), nor, when creating, an id or creation time",
    }),
  })
  .meta({ id: "ApiTokenPreview" });

const reportAsDecided = z.strictObject({
  id: z
    .number()
    .int()
    .min(1)
    .nullable()
    .meta({ description: "null: a report not saved yet (only saving issues an id)" }),
  name: z.string(),
  revision: z.number().int().min(1),
  definition: reportDefinition,
});

export const savedReportPreview = z
  .strictObject({
    dryRun: z.literal(true),
    decidedAgainst: decidedAgainst({
      version: "The version of the report's stream it was decided on (0: none yet)",
      at: "The instant asked for with ?at=",
      whole: "The report decided against: as saved now, or as its stream had it at ?version= or ?at=",
    }),
    events: z
      .array(
        z.strictObject({
          type: z.enum(savedReportEventTypes),
          stream: z.string().nullable().meta({ description: "report-<id>; null for a report not saved yet" }),
          data: z.record(z.string(), z.unknown()),
        }),
      )
      .meta({ description: "The events it would record in the report's stream" }),
    before: reportAsDecided.nullable().meta({ description: "The report decided against (null: none)" }),
    state: reportAsDecided.nullable().meta({ description: "The report as the change would leave it (null: deleted)" }),
  })
  .meta({ id: "SavedReportPreview" });

export const rebuildPreview = z
  .strictObject({
    dryRun: z.literal(true),
    decidedAgainst: decidedNow,
    events: z
      .array(z.unknown())
      .max(0)
      .meta({ description: "None: a rebuild replays the log, it records nothing in it" }),
    before: projection.nullable().meta({ description: "The projection as it stands (null: it has not run yet)" }),
    state: rebuildStarted,
  })
  .meta({ id: "RebuildPreview" });
