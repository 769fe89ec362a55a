// The OpenAPI 3.1 document of the whole API, generated from the zod schemas the route handlers parse
// with (lib/validation) and the ones that describe their answers (./response-schemas). Nothing here
// is a second copy of a shape: a change to a schema changes the document.
import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import { apiScopes, scopeDescriptions, type ApiScope } from "../../domain/access/scopes";
import { errorTable, type ErrorCode } from "../errors";
import { problemType } from "../problem";
import { maxBodyBytes } from "../request";
import { auditQuery } from "../../validation/audit";
import { eventsQuery } from "../../validation/events";
import { createApiTokenBody, signInBody } from "../../validation/auth";
import { activityQuery, cohortQuery, nameChangesQuery, savedReportQuery } from "../../validation/reports";
import { reportDefinition } from "../../validation/saved-reports";
import { dryRunNowQuery, dryRunQuery } from "../../validation/dry-run";
import {
  changeEmailBody,
  changePasswordBody,
  deactivateUserBody,
  emptyQuery,
  eventStreamQuery,
  forgetUserBody,
  reactivateUserBody,
  registerUserBody,
  renameUserBody,
  userListQuery,
  userPointQuery,
} from "../../validation/users";
import * as answers from "./response-schemas";

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

/** Responses for the errors an operation can answer with, grouped by status. */
function problems(...codes: ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(errorTable[code].status, [...(byStatus.get(errorTable[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((code) => `${errorTable[code].title} (${problemType(code)})`).join("; "),
        content: { "application/problem+json": { schema: answers.problem } },
        ...(status === 503 || status === 429
          ? { headers: z.object({ "retry-after": z.string().meta({ description: "Seconds" }) }) }
          : {}),
      },
    ]),
  );
}

// Every authenticated operation can answer these.
const always: ErrorCode[] = ["unauthenticated", "database_unavailable", "internal_error"];
const changing: ErrorCode[] = [
  ...always,
  "csrf_failed",
  "payload_too_large",
  "unsupported_media_type",
  "malformed_json",
];

const userIdParam = z.object({
  id: z.string().meta({ description: "The user's id (a UUID)", examples: ["0b6f6a1e-4a44-4c8f-9d7e-2f0c3f6e9a10"] }),
});

const commandHeaders = z.object({
  "if-match": z
    .string()
    .regex(/^(?:W\/)?"\d{1,9}"$/)
    .optional()
    .meta({
      description: 'The ETag you last read, like "3": the command is refused with 412 if the user changed since',
    }),
  "idempotency-key": z.string().max(200).optional().meta({
    description:
      "Retrying with the same key replays the first answer and records nothing again (header idempotent-replayed: true)",
  }),
  "x-correlation-id": z.string().max(200).optional().meta({
    description:
      "Recorded on the events and echoed in the answer when it is 1 to 64 letters, digits, '.', '_', ':' or '-'; otherwise (or if absent) one is made",
  }),
});

const logPosition = z
  .string()
  .regex(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i)
  .optional()
  .meta({ examples: ["0/16B3748"] });

/** Sent with the answers of commands and of the reads a replica may serve (only when one is configured). */
const logPositionAnswer = z.object({
  "rewind-log-position": logPosition.meta({
    description:
      "How far the database's log had reached for this answer, when a read replica is configured: send it back on the next read to never see an older state",
  }),
});

/** A read a replica may serve: it says what the client has seen (docs/SCALING.md). */
const replicaReadHeaders = z.object({
  "rewind-log-position": logPosition.meta({
    description:
      "The Rewind-Log-Position of an answer you had: the read is served by a replica only once it has replayed that far, else by the primary",
  }),
});

const userAnswerHeaders = z
  .object({ etag: z.string().meta({ description: 'The user\'s version, like "3": send it back as If-Match' }) })
  .extend(logPositionAnswer.shape);

/** What names and explains an operation: its id (for generated clients), one-line summary and description. */
interface OperationText {
  operationId: string;
  summary: string;
  description: string;
}

const commandDescription =
  "Send If-Match with the ETag you read to be refused (412) if the user changed since, and Idempotency-Key to make a retry safe.";

const dryRunDescription =
  "With dryRun=true, a dry run: the same validation, rules and refusals, but nothing is recorded (no event, no user row, no key, no idempotency record); the answer (200) is the events it would record and the user before and after. With version= or at= as well, it is decided against the user as they were then (would it have been accepted?), and decidedAgainst says which point.";

/** A dry run of a command whose resource has no versions (decision 028). */
const dryRunNowDescription =
  "With dryRun=true, a dry run: the same validation, rules and refusals, but nothing is recorded or started; the answer (200) is what it would record and the state after. version= and at= are refused (400): there is no earlier version to decide against.";

const reportDryRunDescription =
  "With dryRun=true, a dry run: the same rules and refusals, nothing changed or recorded; the answer (200) is the event it would record in the report's stream (report-<id>) and the report before and after. With version= or at= as well, it is decided against the report as its stream had it then (a report deleted since could still be changed then), and decidedAgainst says which point.";

/** The 200 of a command: the user after it, or a dry run's preview. */
const commandOrPreview = json(z.union([answers.user, answers.commandPreview]));

const datedDescription =
  "effectiveAt (optional, not in the future) says when the change took effect if earlier than now; it is decided on the user as they were then, refused (409) before the registration or when a later-effective change would no longer be allowed (a deactivation backdated before a later rename, unless a reactivation comes between). A correction is a change effective at the instant of the wrong one.";
const datedProblems: ErrorCode[] = ["effective_before_registration", "effective_history_conflict"];

function userCommand(
  text: OperationText,
  body: z.ZodType,
  extra: ErrorCode[] = [],
  { bodyOptional = false } = {},
): ZodOpenApiOperationObject {
  return {
    tags: ["Users"],
    ...text,
    description: `${text.description} ${commandDescription} ${dryRunDescription}`,
    requestParams: { path: userIdParam, query: dryRunQuery, header: commandHeaders },
    requestBody: { required: !bodyOptional, content: json(body) },
    responses: {
      "200": {
        description:
          "The user after the command (with an ETag); with dryRun=true, the preview (CommandPreview, no ETag)",
        headers: userAnswerHeaders,
        content: commandOrPreview,
      },
      ...problems(
        ...changing,
        "validation_failed",
        "user_not_found",
        "user_forgotten",
        "wrong_expected_version",
        "precondition_failed",
        "idempotent_request_in_progress",
        "idempotency_key_reused",
        ...extra,
      ),
    },
  };
}

const savedReportIdParam = z.object({
  id: z.string().meta({ description: "The saved report's id (a whole number)", examples: ["1"] }),
});

const csv = (description: string) => ({ "text/csv": { schema: z.string().meta({ description }) } });

const paths: ZodOpenApiPathsObject = {
  "/api/users": {
    get: {
      tags: ["Users"],
      operationId: "listUsers",
      summary: "List users, newest first (today's, or as they were at ?at= as known at ?knownAt=)",
      description:
        "Filter by a search in names and emails (q) and by status; page with the nextCursor of the previous answer. With at, the users as they were at that instant in the world (effective time, backdated changes included) as known now, or as known at knownAt; knownAt alone gives the list Rewind showed at that instant. The same filters, pages and total, read from the temporal index of user versions: the same answer as folding every user's events recorded by knownAt that took effect by at, in effective order.",
      requestParams: { query: userListQuery, header: replicaReadHeaders },
      responses: {
        "200": { description: "A page of users", headers: logPositionAnswer, content: json(answers.userList) },
        ...problems(...always, "validation_failed"),
      },
    },
    post: {
      tags: ["Users"],
      operationId: "registerUser",
      summary: "Register a user",
      description:
        "Records user.registered with a new id (a UUID). The email must not belong to another user (409). Send Idempotency-Key to make a retry safe. " +
        dryRunDescription,
      requestParams: { query: dryRunQuery, header: commandHeaders.omit({ "if-match": true }) },
      requestBody: { required: true, content: json(registerUserBody) },
      responses: {
        "200": {
          description: "With dryRun=true: what registering would record (the id shown is not kept)",
          content: json(answers.commandPreview),
        },
        "201": {
          description: "Registered; Location names the new user",
          headers: userAnswerHeaders.extend({ location: z.string() }),
          content: json(answers.user),
        },
        ...problems(
          ...changing,
          "validation_failed",
          "email_taken",
          "user_not_found",
          "idempotent_request_in_progress",
          "idempotency_key_reused",
        ),
      },
    },
  },
  "/api/users/{id}": {
    get: {
      tags: ["Users"],
      operationId: "getUser",
      summary: "A user now, or at ?version=, ?at= or ?knownAt= (time travel on two axes)",
      description:
        "Without parameters, the user as they are now (effective now, as known now), with their version as ETag (304 when If-None-Match already names it). at=T: how the user was at T in the world, as known now (backdated changes included); at=T&knownAt=K: as Rewind knew it at K; knownAt=K alone: what Rewind showed at K; version=N: what Rewind showed right after recording version N. Each is the fold of the events recorded by then that took effect by then, in order of (effectiveAt, version); 404 if the user did not exist then. Without backdated changes, at=T and knownAt=T answer alike.",
      requestParams: {
        path: userIdParam,
        query: userPointQuery,
        header: z
          .object({
            "if-none-match": z.string().optional().meta({ description: "An ETag: 304 when the user is still at it" }),
          })
          .extend(replicaReadHeaders.shape),
      },
      responses: {
        "200": { description: "The user", headers: userAnswerHeaders, content: json(answers.user) },
        "304": { description: "Not modified: the user is still at the ETag you sent" },
        ...problems(...always, "validation_failed", "user_not_found"),
      },
    },
    put: userCommand(
      {
        operationId: "putUserName",
        summary: "Rename a user (same as POST /api/users/{id}/rename)",
        description:
          "For clients that update with PUT: the body is only the new name (and a reason), the command is the same rename. Renaming to the current name records nothing and answers the user as they are. " +
          datedDescription,
      },
      renameUserBody,
      [...datedProblems, "user_deactivated"],
    ),
  },
  "/api/users/{id}/rename": {
    post: userCommand(
      {
        operationId: "renameUser",
        summary: "Rename a user",
        description:
          "Records user.renamed with the previous name; a deactivated user cannot be renamed (409). Renaming to the current name records nothing and answers the user as they are. " +
          datedDescription,
      },
      renameUserBody,
      [...datedProblems, "user_deactivated"],
    ),
  },
  "/api/users/{id}/change-email": {
    post: userCommand(
      {
        operationId: "changeUserEmail",
        summary: "Change a user's email",
        description:
          "Records user.email_changed; the email must not belong to another user (409). Changing to the current email records nothing. " +
          datedDescription,
      },
      changeEmailBody,
      [...datedProblems, "user_deactivated", "email_taken"],
    ),
  },
  "/api/users/{id}/change-password": {
    post: userCommand(
      {
        operationId: "changeUserPassword",
        summary: "Change a user's password",
        description:
          "Records user.password_changed with the new password's scrypt hash; neither the password nor the hash is ever answered.",
      },
      changePasswordBody,
      ["user_deactivated"],
    ),
  },
  "/api/users/{id}/deactivate": {
    post: userCommand(
      {
        operationId: "deactivateUser",
        summary: "Deactivate a user, with a reason",
        description:
          "Records user.deactivated with the reason and its category; a deactivated user can be read but not changed until reactivated (409). " +
          datedDescription,
      },
      deactivateUserBody,
      [...datedProblems, "user_deactivated"],
    ),
  },
  "/api/users/{id}/reactivate": {
    post: userCommand(
      {
        operationId: "reactivateUser",
        summary: "Reactivate a deactivated user",
        description: "Records user.reactivated; reactivating an active user records nothing. " + datedDescription,
      },
      reactivateUserBody,
      datedProblems,
      { bodyOptional: true },
    ),
  },
  "/api/users/{id}/forget": {
    post: userCommand(
      {
        operationId: "forgetUser",
        summary: "Erase a user's personal data (GDPR): the events stay, their names and emails read [erased]",
        description:
          "Records user.forgotten and destroys the user's encryption key, so every name and email in their events can never be read again. Forgetting a forgotten user records nothing; any other command on them is refused with 410.",
      },
      forgetUserBody,
      [],
      { bodyOptional: true },
    ),
  },
  "/api/users/{id}/events": {
    get: {
      tags: ["Users"],
      operationId: "listUserEvents",
      summary: "A user's events in stream order (password hashes redacted)",
      description:
        "Every event of the user's stream with its position, version, type, data, metadata (actor, reason, correlation id) and recording time; a forgotten user's names and emails read [erased].",
      requestParams: { path: userIdParam, query: emptyQuery, header: replicaReadHeaders },
      responses: {
        "200": { description: "The user's events", headers: logPositionAnswer, content: json(answers.userEvents) },
        ...problems(...always, "validation_failed", "user_not_found"),
      },
    },
  },
  "/api/users/{id}/export": {
    get: {
      tags: ["Users"],
      operationId: "exportUser",
      summary: "Everything Rewind holds on a user, as a JSON attachment (subject access request)",
      description:
        "The user's current state and whole history (their events, password hashes redacted), for a subject access request.",
      requestParams: { path: userIdParam, header: replicaReadHeaders },
      responses: {
        "200": {
          description: "The user and their whole history",
          headers: logPositionAnswer,
          content: json(answers.userExport),
        },
        ...problems(...always, "validation_failed", "user_not_found"),
      },
    },
  },
  "/api/events": {
    get: {
      tags: ["Events"],
      operationId: "readEventFeed",
      summary: "The global event feed after a position (it never skips an event), or the log newest first with filters",
      description:
        "By default (order=asc), events of every stream in commit order, after the position given (0 for the start). Continue from nextAfter: an event still being committed is held back rather than skipped, so a reader that follows nextAfter sees every event once. With order=desc, the log newest first (by recordedAt, then position), filtered by type, actor, stream and period (from inclusive, to exclusive), starting at position if given; page with the nextCursor of the previous answer. The filters, position and cursor are refused without order=desc, after with it. Events read the same in both: personal fields decrypted (or [erased]), password hashes redacted.",
      requestParams: { query: eventsQuery },
      responses: {
        "200": {
          description:
            "The next events in commit order (order=asc: EventFeedPage), or a page of the log newest first (order=desc: EventLogPage)",
          content: json(z.union([answers.eventFeedPage, answers.eventLogPage])),
        },
        ...problems(...always, "validation_failed", "unknown_position"),
      },
    },
  },
  "/api/events/stream": {
    get: {
      tags: ["Events"],
      operationId: "streamEvents",
      summary: "Server-Sent Events: every event after a position, then new ones as they are appended",
      description:
        "Each message has `id:` its position, `event:` its type and `data:` the event as JSON (see Event). " +
        "Reconnecting clients send Last-Event-ID and miss nothing; a comment line is sent every 15 s.",
      requestParams: {
        query: eventStreamQuery,
        header: z.object({
          "last-event-id": z.string().optional().meta({ description: "The last position received; overrides ?after=" }),
        }),
      },
      responses: {
        "200": { description: "An endless stream of events", content: { "text/event-stream": { schema: z.string() } } },
        ...problems(...always, "validation_failed", "unknown_position"),
      },
    },
  },
  "/api/projections": {
    get: {
      tags: ["Projections"],
      operationId: "listProjections",
      summary: "Every asynchronous projection: checkpoint, lag, last error, rebuild progress",
      description:
        "For each projection: the position it has applied up to, how far it is behind the log in events and seconds, its last error if a batch failed, and the progress of a rebuild under way.",
      responses: {
        "200": { description: "The projections", content: json(answers.projectionList) },
        ...problems(...always),
      },
    },
  },
  "/api/projections/{name}/rebuild": {
    post: {
      tags: ["Projections"],
      operationId: "rebuildProjection",
      summary: "Rebuild a projection from the first event, in the background",
      description:
        "Replays the log from the first event into the projection while the API keeps serving; follow its progress on GET /api/projections. 404 for a projection that does not exist, 409 while one is already rebuilding. " +
        dryRunNowDescription,
      requestParams: {
        path: z.object({ name: z.string().meta({ examples: ["name_changes"] }) }),
        query: dryRunNowQuery,
      },
      responses: {
        "200": {
          description: "With dryRun=true: the projection as it stands, and that it would rebuild (nothing started)",
          content: json(answers.rebuildPreview),
        },
        "202": {
          description: "Started; follow its progress on GET /api/projections",
          headers: z.object({ location: z.string() }),
          content: json(answers.rebuildStarted),
        },
        ...problems(...always, "csrf_failed", "validation_failed", "not_found", "rebuild_in_progress"),
      },
    },
  },
  "/api/reports/name-changes": {
    get: {
      tags: ["Reports"],
      operationId: "getNameChangesReport",
      summary: "Users who changed their name in a window (default: the past six months), as JSON or streamed CSV",
      description:
        "For each user renamed between from and to: their current name, how often and when they were renamed, and the names in order. basis=effective (the default) places each rename at the instant it took effect, basis=recorded at the instant Rewind recorded it. asOf reads the report as Rewind knew it at an earlier recorded instant (only renames recorded by then count); format=csv streams the whole report instead of one page.",
      requestParams: { query: nameChangesQuery },
      responses: {
        "200": {
          description: "A page of the report (JSON), or the whole report (CSV)",
          content: {
            ...json(answers.nameChangesReport),
            ...csv("user_id,current_name,renames,first_rename_at,last_rename_at,names"),
          },
        },
        ...problems(...always, "validation_failed"),
      },
    },
  },
  "/api/reports/activity": {
    get: {
      tags: ["Reports"],
      operationId: "getActivityReport",
      summary: "Registrations, renames, email changes and deactivations per day, week or month (JSON or CSV)",
      description:
        "Counts per bucket between from and to (default: the six months up to today, at most ten years), with totals; asOf reads them as they were at an earlier instant.",
      requestParams: { query: activityQuery },
      responses: {
        "200": {
          description: "One point per bucket, and the totals",
          content: {
            ...json(answers.activityReport),
            ...csv("start,registrations,renames,email_changes,deactivations"),
          },
        },
        ...problems(...always, "validation_failed"),
      },
    },
  },
  "/api/reports/cohorts": {
    get: {
      tags: ["Reports"],
      operationId: "getCohortReport",
      summary: "Users by registration month, and the share still active 1, 2, 3… months later (JSON or CSV)",
      description:
        "For each registration month between from and to (default: the twelve months up to the report's month): its size, and at the start of each later month that had begun by asOf (default now), how many of its users were active (not deactivated or forgotten).",
      requestParams: { query: cohortQuery },
      responses: {
        "200": {
          description: "One row per cohort",
          content: { ...json(answers.cohortReport), ...csv("cohort,size,months_later,active,share") },
        },
        ...problems(...always, "validation_failed"),
      },
    },
  },
  "/api/reports/definitions": {
    get: {
      tags: ["Reports"],
      operationId: "listSavedReports",
      summary: "The saved reports: definitions declared on the dashboard",
      description: "Each saved report's definition, revision and the projection that keeps it.",
      responses: {
        "200": { description: "Every saved report", content: json(answers.savedReportList) },
        ...problems(...always),
      },
    },
    post: {
      tags: ["Reports"],
      operationId: "createSavedReport",
      summary: "Save a report; its projection catches up over the whole log, then stays current",
      description:
        "A definition chooses event types, an optional filter (personal fields only as changed or not_changed), what to count (events or distinct users), a period and optionally a group. " +
        "Grouping by a field without bound (a user id, a name…) is refused (400), and so is a report beyond REWIND_MAX_SAVED_REPORTS (409). Follow its progress in the results' freshness or on GET /api/projections. " +
        "With dryRun=true, a dry run: the same validation, limit and refusals, but nothing is saved (no row, table, id or event); the answer (200) is the report.defined event it would record and the report it would make. version= and at= are refused (400): a report not saved yet has no stream.",
      requestParams: { query: dryRunNowQuery },
      requestBody: { required: true, content: json(reportDefinition) },
      responses: {
        "200": {
          description: "With dryRun=true: what saving would record (no id: only saving issues one)",
          content: json(answers.savedReportPreview),
        },
        "201": {
          description: "Saved; its projection starts from the first event",
          headers: z.object({ location: z.string() }),
          content: json(answers.savedReport),
        },
        ...problems(...changing, "validation_failed", "saved_report_limit_reached"),
      },
    },
  },
  "/api/reports/definitions/{id}": {
    get: {
      tags: ["Reports"],
      operationId: "getSavedReport",
      summary: "One saved report's definition",
      description: "Its definition, revision and projection.",
      requestParams: { path: savedReportIdParam },
      responses: {
        "200": { description: "The saved report", content: json(answers.savedReport) },
        ...problems(...always, "saved_report_not_found"),
      },
    },
    put: {
      tags: ["Reports"],
      operationId: "updateSavedReport",
      summary: "Replace a saved report's definition; it is rebuilt from the first event",
      description: `The old results keep serving until the rebuilt ones replace them in one step (shadow and swap). ${reportDryRunDescription}`,
      requestParams: { path: savedReportIdParam, query: dryRunQuery },
      requestBody: { required: true, content: json(reportDefinition) },
      responses: {
        "200": {
          description: "The saved report, its revision raised; with dryRun=true, the preview (SavedReportPreview)",
          content: json(z.union([answers.savedReport, answers.savedReportPreview])),
        },
        ...problems(...changing, "validation_failed", "saved_report_not_found"),
      },
    },
    delete: {
      tags: ["Reports"],
      operationId: "deleteSavedReport",
      summary: "Delete a saved report, its projection and its tables",
      description: `Its checkpoint and tables are dropped in the same transaction. ${reportDryRunDescription}`,
      requestParams: { path: savedReportIdParam, query: dryRunQuery },
      responses: {
        "200": {
          description: "With dryRun=true: what deleting would record (nothing deleted)",
          content: json(answers.savedReportPreview),
        },
        "204": { description: "Deleted" },
        ...problems(...always, "csrf_failed", "validation_failed", "saved_report_not_found"),
      },
    },
  },
  "/api/reports/custom/{id}": {
    get: {
      tags: ["Reports"],
      operationId: "getSavedReportResults",
      summary: "A saved report's values per period and group (JSON or CSV)",
      description:
        "Values between from and to (default: the six months up to today, at most ten years), per the definition's period and group; asOf reads them as they were at an earlier instant.",
      requestParams: { path: savedReportIdParam, query: savedReportQuery },
      responses: {
        "200": {
          description: "One point per period and group that has a value",
          content: { ...json(answers.savedReportResults), ...csv("start,group,value") },
        },
        ...problems(...always, "validation_failed", "saved_report_not_found"),
      },
    },
  },
  "/api/audit": {
    get: {
      tags: ["Audit"],
      operationId: "listAuditEntries",
      summary: "What admins and API tokens did, newest first",
      description:
        "The events recorded by an actor (admin:<email> or token:<name>#<id prefix>) in a period, sign-ins and token changes included; page with the nextCursor of the previous answer. With format=csv, every matching entry as one CSV (not paged: cursor is refused, limit does not apply); a cell a spreadsheet would run as a formula begins with a quote.",
      requestParams: { query: auditQuery, header: replicaReadHeaders },
      responses: {
        "200": {
          description: "A page of events with their actor, or the CSV",
          headers: logPositionAnswer,
          content: {
            ...json(answers.auditPage),
            ...csv("recorded_at, actor, type, stream, version, position, reason, correlation_id, data (JSON)"),
          },
        },
        ...problems(...always, "validation_failed"),
      },
    },
  },
  "/api/tokens": {
    get: {
      tags: ["Access"],
      operationId: "listApiTokens",
      summary: "The API tokens (never their secrets)",
      description:
        "Each token's id and name, who created it and when, when it was last used and when it was revoked. Only a hash of each secret is stored.",
      responses: {
        "200": { description: "Every token, revoked ones too", content: json(answers.apiTokenList) },
        ...problems(...always),
      },
    },
    post: {
      tags: ["Access"],
      operationId: "createApiToken",
      summary: "Create an API token (signed-in admins only); its secret is shown this once",
      description:
        "The answer holds the token (rwd_\u2026) to send as a Bearer credential; it cannot be read again. API tokens cannot create tokens (403). " +
        dryRunNowDescription +
        " A dry run shows no secret, hash or id: the token would not exist.",
      requestParams: { query: dryRunNowQuery },
      requestBody: { required: true, content: json(createApiTokenBody) },
      responses: {
        "200": {
          description: "With dryRun=true: the admin action it would record and the token it would make",
          content: json(answers.apiTokenPreview),
        },
        "201": { description: "The token, with its secret", content: json(answers.createdApiToken) },
        ...problems(...changing, "validation_failed", "forbidden"),
      },
    },
  },
  "/api/tokens/{id}/revoke": {
    post: {
      tags: ["Access"],
      operationId: "revokeApiToken",
      summary: "Revoke an API token: every later request with it gets 401 (signed-in admins only)",
      description: `The token stays listed as revoked, for the audit trail. API tokens cannot revoke tokens (403). ${dryRunNowDescription}`,
      requestParams: {
        path: z.object({ id: z.string().meta({ description: "The token's id (a UUID)" }) }),
        query: dryRunNowQuery,
      },
      responses: {
        "200": {
          description: "The revoked token; with dryRun=true, the preview (ApiTokenPreview: the token stays valid)",
          content: json(z.union([answers.apiToken, answers.apiTokenPreview])),
        },
        ...problems(...always, "csrf_failed", "validation_failed", "forbidden", "token_not_found"),
      },
    },
  },
  "/api/auth/sign-in": {
    post: {
      tags: ["Access"],
      operationId: "signIn",
      summary: "An admin signs in; sets the session cookie (HttpOnly) and the CSRF cookie",
      description:
        "For the dashboard. Every later change must echo the CSRF cookie's value in X-CSRF-Token. Five failed attempts for one email or from one address within 15 minutes are refused with 429 and Retry-After.",
      security: [],
      requestBody: { required: true, content: json(signInBody) },
      responses: {
        "200": {
          description: "Signed in",
          headers: z.object({ "set-cookie": z.string() }),
          content: json(answers.signedIn),
        },
        ...problems(
          "validation_failed",
          "malformed_json",
          "unsupported_media_type",
          "payload_too_large",
          "invalid_credentials",
          "csrf_failed",
          "too_many_attempts",
          "database_unavailable",
          "internal_error",
        ),
      },
    },
  },
  "/api/auth/sign-out": {
    post: {
      tags: ["Access"],
      operationId: "signOut",
      summary: "End the browser's session and clear its cookies",
      description: "Deletes the session on the server, so a copy of its cookie no longer signs anyone in.",
      responses: { "204": { description: "Signed out" }, ...problems(...always, "csrf_failed") },
    },
  },
  "/api/auth/session": {
    get: {
      tags: ["Access"],
      operationId: "getSession",
      summary: "Who is calling: the signed-in admin or the API token",
      description: "The admin's email or the token's name, and the actor that the events they record will carry.",
      responses: { "200": { description: "The caller", content: json(answers.session) }, ...problems(...always) },
    },
  },
  "/api/health": {
    get: {
      tags: ["Operations"],
      operationId: "getHealth",
      summary: "Liveness: the process is up (does not touch the database)",
      description:
        "For a liveness probe: answers 200 as long as the server process can answer at all, whatever the state of the database.",
      security: [],
      responses: { "200": { description: "Up", content: json(answers.health) } },
    },
  },
  "/api/ready": {
    get: {
      tags: ["Operations"],
      operationId: "getReadiness",
      summary: "Readiness: the database answers, every migration is applied, no projection is failing",
      description:
        "For a readiness probe or load balancer: 503 with Retry-After and the failing check's reason while any check fails.",
      security: [],
      responses: {
        "200": { description: "Ready for traffic", content: json(answers.readiness) },
        "503": { description: "Not ready: the checks say why", content: json(answers.readiness) },
      },
    },
  },
  "/api/metrics": {
    get: {
      tags: ["Operations"],
      operationId: "getMetrics",
      summary: "Prometheus metrics (text exposition format); scrape with an API token",
      description:
        "Command outcomes, append and request durations, events in the log, projection lag, event-stream clients, database pool connections, and the Node process's own metrics. Per process: scrape each instance.",
      responses: {
        "200": {
          description: "Metrics",
          content: { "text/plain": { schema: z.string().meta({ description: "Prometheus text format 0.0.4" }) } },
        },
        ...problems(...always),
      },
    },
  },
  "/api/openapi.json": {
    get: {
      tags: ["Operations"],
      operationId: "getOpenApiDocument",
      summary: "This document",
      description:
        "The OpenAPI 3.1 description of this API, generated from the schemas the route handlers validate with.",
      security: [],
      responses: {
        "200": {
          description: "OpenAPI 3.1",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    },
  },
  "/api/bench/echo": {
    post: {
      tags: ["Operations"],
      operationId: "echoForBenchmark",
      summary:
        "The HTTP benchmark's baseline: answers the JSON body it got (404 unless the server runs with REWIND_BENCH_ROUTES=1)",
      description:
        "Parses the JSON body and answers it, touching nothing else: the cost of the HTTP stack alone, against which the benchmark measures the other routes.",
      requestBody: { required: true, content: { "application/json": { schema: z.unknown() } } },
      responses: {
        "200": { description: "The body, echoed", content: json(z.strictObject({ received: z.unknown() })) },
        ...problems(...always, "not_found"),
      },
    },
  },
};

/**
 * The scope an API token needs for each operation (signed-in admins have them all). The route
 * handlers declare the same next to themselves (lib/http/route.ts); a test checks that they agree.
 */
export const operationScopes: Record<string, ApiScope | "authenticated"> = {
  "GET /api/users": "read",
  "POST /api/users": "write",
  "GET /api/users/{id}": "read",
  "PUT /api/users/{id}": "write",
  "POST /api/users/{id}/rename": "write",
  "POST /api/users/{id}/change-email": "write",
  "POST /api/users/{id}/change-password": "write",
  "POST /api/users/{id}/deactivate": "write",
  "POST /api/users/{id}/reactivate": "write",
  "POST /api/users/{id}/forget": "erase",
  "GET /api/users/{id}/events": "read",
  "GET /api/users/{id}/export": "read",
  "GET /api/events": "read",
  "GET /api/events/stream": "read",
  "GET /api/projections": "admin",
  "POST /api/projections/{name}/rebuild": "admin",
  "GET /api/reports/name-changes": "read",
  "GET /api/reports/activity": "read",
  "GET /api/reports/cohorts": "read",
  "GET /api/reports/definitions": "admin",
  "POST /api/reports/definitions": "admin",
  "GET /api/reports/definitions/{id}": "admin",
  "PUT /api/reports/definitions/{id}": "admin",
  "DELETE /api/reports/definitions/{id}": "admin",
  "GET /api/reports/custom/{id}": "admin",
  "GET /api/audit": "admin",
  "GET /api/tokens": "admin",
  "POST /api/tokens": "admin",
  "POST /api/tokens/{id}/revoke": "admin",
  "POST /api/auth/sign-out": "authenticated",
  "GET /api/auth/session": "authenticated",
  "GET /api/metrics": "read",
  "POST /api/bench/echo": "write",
};

/** Each authenticated operation names its scope as the bearer requirement's role (OpenAPI 3.1) and documents the 403. */
function withScopes(documented: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  const scoped: ZodOpenApiPathsObject = {};
  for (const [template, item] of Object.entries(documented)) {
    const operations: Record<string, unknown> = { ...item };
    for (const [method, operation] of Object.entries(item ?? {}) as [string, ZodOpenApiOperationObject][]) {
      const scope = operationScopes[`${method.toUpperCase()} ${template}`];
      if (!scope || scope === "authenticated") continue;
      const refused = problems("insufficient_scope")["403"] as { description: string };
      const existing = operation.responses?.["403"] as { description: string } | undefined;
      operations[method] = {
        ...operation,
        description: [operation.description, `API tokens need the \`${scope}\` scope.`].filter(Boolean).join("\n\n"),
        security: [{ apiToken: [scope] }, { session: [] }],
        responses: {
          ...operation.responses,
          "403": existing ? { ...existing, description: `${existing.description}; ${refused.description}` } : refused,
        },
      };
    }
    scoped[template] = operations;
  }
  return scoped;
}

export const apiVersion = "1.0.0";

let cached: ReturnType<typeof createDocument> | undefined;

/** The document (built once per process). */
export function openApiDocument() {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Rewind API",
      version: apiVersion,
      description:
        "An event-sourced user store: every change is an immutable event, and any user — or the whole list — can be read as it was at any version or instant.\n\n" +
        "Authenticate with an API token (`Authorization: Bearer rwd_…`, created on /admin/tokens) or, from the dashboard, the session cookie " +
        "plus the `X-CSRF-Token` header on changes. An API token may do only what its scopes allow (403 otherwise): " +
        apiScopes.map((scope) => `\`${scope}\` — ${scopeDescriptions[scope]}`).join("; ") +
        ". Errors are RFC 9457 `application/problem+json`. " +
        `Request bodies are JSON, at most ${maxBodyBytes / 1024} KiB.`,
    },
    // Relative: the API is served by the same server as this document, whatever its address.
    servers: [{ url: "/", description: "The server this document is served from" }],
    tags: [
      { name: "Users", description: "Commands and time-travel queries on users" },
      { name: "Events", description: "The event log, as a feed and as Server-Sent Events" },
      { name: "Projections", description: "Views computed from the events" },
      { name: "Reports", description: "For the product owner: JSON and CSV" },
      { name: "Audit", description: "Who did what, and why" },
      { name: "Access", description: "Signing in and API tokens" },
      { name: "Operations", description: "Health, readiness, metrics and this document" },
    ],
    components: {
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", description: "An API token, rwd_…" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "rewind_session",
          description: "The dashboard's session (changes also need X-CSRF-Token)",
        },
      },
    },
    security: [{ apiToken: [] }, { session: [] }],
    paths: withScopes(paths),
  });
  return cached;
}
