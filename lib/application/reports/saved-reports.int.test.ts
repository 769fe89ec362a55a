// Saved reports equal a brute-force count over the raw event log: each kind of definition (events
// or distinct users; per day, week or month; grouped by type, category, actor or email domain;
// filtered by value or, for personal fields, by presence), over a generated history, caught up
// from the first event, kept current afterwards, edited, as of an instant, and deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "../../db";
import type { RecordedEvent } from "../../eventstore";
import type { ReportDefinition } from "../../domain/reports/saved-reports";
import { api, call, newUserInput } from "../../testing/api";
import { testBackends, type TestDatabase } from "../../testing/databases";
import { periodStart } from "../../testing/periods";
import { catchUp, everyEvent as everyEventIn } from "../../testing/projections";
import { getServices } from "../services";
import { seedDemoUsers } from "../users/seed-demo-users";
import {
  createSavedReport,
  getSavedReport,
  savedReportProjection,
  type SavedReport,
  type SavedReportPoint,
} from "./saved-reports";

const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);

async function everyEvent(): Promise<RecordedEvent[]> {
  const { database, store } = await getServices();
  return everyEventIn(database, store);
}

/** What the report should say, counted by hand from every event in the log. */
function bruteForce(
  definition: ReportDefinition,
  events: RecordedEvent[],
  window: { from: string; to: string; asOf?: Date },
) {
  const cells = new Map<string, { events: number; users: Set<string> }>();
  for (const event of events) {
    const day = event.recordedAt.toISOString().slice(0, 10);
    if (!(definition.eventTypes as string[]).includes(event.type) || day < window.from || day >= window.to) continue;
    if (window.asOf && event.recordedAt > window.asOf) continue;
    const filter = definition.filter;
    if (filter) {
      const [where, key] = filter.field.split(".");
      const value = (where === "data" ? event.data : event.metadata)[key!];
      const set = typeof value === "string" ? value.length > 0 : value !== undefined && value !== null;
      const wanted = "values" in filter ? filter.values : [];
      const kept =
        filter.operator === "changed"
          ? set
          : filter.operator === "not_changed"
            ? !set
            : filter.operator === "equals"
              ? value === wanted[0]
              : filter.operator === "one_of"
                ? wanted.some((candidate) => candidate === value)
                : typeof value === "string" && value.slice(0, wanted[0]!.length) === wanted[0];
      if (!kept) continue;
    }
    let group = "(all)";
    if (definition.groupBy === "type") group = event.type;
    if (definition.groupBy === "data.category") group = (event.data.category as string | undefined) || "(none)";
    if (definition.groupBy === "metadata.actor") group = event.metadata.actor || "(none)";
    if (definition.groupBy === "email_domain") {
      const email = event.data.email;
      group =
        typeof email !== "string" ? "(none)" : email.includes("@") ? email.split("@").at(-1)!.toLowerCase() : email;
    }
    const key = `${periodStart(event.recordedAt, definition.period)}|${group}`;
    const cell = cells.get(key) ?? { events: 0, users: new Set<string>() };
    cell.events++;
    cell.users.add(event.streamId);
    cells.set(key, cell);
  }
  return [...cells]
    .map(([key, cell]) => {
      const [start, group] = key.split("|") as [string, string];
      return { start, group, value: definition.count === "users" ? cell.users.size : cell.events };
    })
    .sort((a, b) => (a.start === b.start ? (a.group < b.group ? -1 : 1) : a.start < b.start ? -1 : 1));
}

const definitions: ReportDefinition[] = [
  {
    name: "Deactivations per month by category",
    eventTypes: ["user.deactivated"],
    count: "events",
    period: "month",
    groupBy: "data.category",
  },
  {
    name: "Users changing their email per week, by domain",
    eventTypes: ["user.email_changed"],
    count: "users",
    period: "week",
    groupBy: "email_domain",
  },
  {
    name: "Renames by the demo seed per day",
    eventTypes: ["user.renamed"],
    filter: { field: "metadata.actor", operator: "starts_with", values: ["demo-"] },
    count: "events",
    period: "day",
  },
  {
    name: "Active users per month by kind of change",
    eventTypes: ["user.registered", "user.renamed", "user.email_changed", "user.deactivated"],
    filter: { field: "data.name", operator: "not_changed" },
    count: "users",
    period: "month",
    groupBy: "type",
  },
  {
    name: "Requested or policy deactivations by actor",
    eventTypes: ["user.deactivated"],
    filter: { field: "data.category", operator: "one_of", values: ["requested", "policy"] },
    count: "users",
    period: "week",
    groupBy: "metadata.actor",
  },
  {
    name: "Email changes with a reason",
    eventTypes: ["user.email_changed", "user.renamed"],
    filter: { field: "metadata.reason", operator: "changed" },
    count: "events",
    period: "month",
  },
];

describe.each(testBackends())("saved reports on $name", (backend) => {
  let database: TestDatabase;
  const saved: SavedReport[] = [];

  const results = async (id: number, query: string) => {
    const response = await api.get(`/api/reports/custom/${id}?${query}`);
    expect(response.status, response.text).toBe(200);
    return response.body as { points: SavedReportPoint[]; periods: string[]; freshness: { state: string } };
  };

  const catchUpReport = async (id: number) => {
    const { database: db, store } = await getServices();
    await catchUp(db, store, savedReportProjection(await getSavedReport(db, id)), 300);
  };

  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
    await seedDemoUsers(database, { users: 120, months: 14, seed: 21, now });
    // The seed gives no reasons: one change with a reason, for the filter on metadata.reason.
    const [someone] = await (
      await getServices()
    ).database.query<{ id: string }>("SELECT id FROM users ORDER BY id LIMIT 1");
    const withReason = await api.post(`/api/users/${someone!.id}/change-email`, {
      email: "with-a-reason@example.com",
      reason: "asked by phone",
    });
    expect(withReason.status, withReason.text).toBe(200);
    for (const definition of definitions) {
      const created = await api.post("/api/reports/definitions", definition);
      expect(created.status, created.text).toBe(201);
      saved.push(created.body as SavedReport);
    }
  }, 240_000);
  afterAll(async () => {
    await closeDatabase();
  });

  it("catches each report up from the first event, then equals the brute force over the whole window", async () => {
    for (const report of saved) await catchUpReport(report.id);
    const events = await everyEvent();
    const window = { from: daysAgo(500), to: daysAgo(-1) };
    for (const report of saved) {
      const body = await results(report.id, `from=${window.from}&to=${window.to}`);
      const expected = bruteForce(report.definition, events, window);
      expect(expected.length, `${report.name} counts something`).toBeGreaterThan(0);
      expect(body.points, report.name).toEqual(expected);
      expect(body.freshness.state).toBe("up to date");
    }
  });

  it("stays current as new events arrive, and reads as of an instant in the middle of a day", async () => {
    const created = await api.post("/api/users", newUserInput());
    const userId = (created.body as { id: string }).id;
    await api.post(`/api/users/${userId}/rename`, { name: "Renamed by a token", reason: "ticket 12" });
    await api.post(`/api/users/${userId}/change-email`, { email: `renamed-${userId.slice(0, 8)}@Example.ORG` });
    await api.post(`/api/users/${userId}/deactivate`, { reason: "asked", category: "requested" });
    for (const report of saved) await catchUpReport(report.id);
    const events = await everyEvent();
    const window = { from: daysAgo(500), to: daysAgo(-1) };
    const middle = events[Math.floor(events.length / 2)]!.recordedAt;
    const asOf = new Date(middle.getTime() + 1);
    for (const report of saved) {
      const body = await results(report.id, `from=${window.from}&to=${window.to}`);
      expect(body.points, report.name).toEqual(bruteForce(report.definition, events, window));
      const past = await results(report.id, `from=${window.from}&to=${window.to}&asOf=${asOf.toISOString()}`);
      expect(past.points, `${report.name} as of ${asOf.toISOString()}`).toEqual(
        bruteForce(report.definition, events, { ...window, asOf }),
      );
    }
  });

  it("answers CSV, one line per period and group", async () => {
    const response = await call(
      "GET",
      `/api/reports/custom/${saved[0]!.id}?from=${daysAgo(500)}&to=${daysAgo(-1)}&format=csv`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = response.text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe("start,group,value");
    const json = await results(saved[0]!.id, `from=${daysAgo(500)}&to=${daysAgo(-1)}`);
    expect(lines.slice(1)).toEqual(json.points.map((point) => `${point.start},${point.group},${point.value}`));
  });

  it("rebuilds an edited report under its new definition", async () => {
    const report = saved[0]!;
    const edited: ReportDefinition = {
      ...report.definition,
      name: "Deactivations per week, all categories",
      period: "week",
      groupBy: undefined,
    };
    const response = await api.put(`/api/reports/definitions/${report.id}`, edited);
    expect(response.status, response.text).toBe(200);
    expect((response.body as SavedReport).revision).toBe(report.revision + 1);
    await catchUpReport(report.id);
    const window = { from: daysAgo(500), to: daysAgo(-1) };
    const body = await results(report.id, `from=${window.from}&to=${window.to}`);
    expect(body.points).toEqual(bruteForce(edited, await everyEvent(), window));
  });

  it("refuses definitions that are not valid or would cost too much, saying why, and changes nothing", async () => {
    const valid = definitions[0]!;
    const refusals: [unknown, RegExp][] = [
      [
        { ...valid, filter: { field: "data.email", operator: "equals", values: ["a@b.c"] } },
        /personal data.*changed or not_changed/,
      ],
      [{ ...valid, groupBy: "data.name" }, /without bound/],
      [{ ...valid, groupBy: "data.whatever" }, /Must be one of/],
      [{ ...valid, eventTypes: [] }, /at least one event type/],
      [{ ...valid, eventTypes: ["user.nope"] }, /Must be one of/],
      [{ ...valid, filter: { field: "data.category", operator: "equals", values: [] } }, /needs a value/],
      [{ ...valid, filter: { field: "data.category", operator: "changed", values: ["x"] } }, /takes no values/],
      [{ ...valid, count: "money" }, /events.{1,3} or .{1,3}users/],
      [{ ...valid, name: "" }, /must not be empty/],
      [{ ...valid, code: "return 1" }, /./],
    ];
    const before = (await api.get("/api/reports/definitions")).body as { items: SavedReport[] };
    for (const [body, message] of refusals) {
      const response = await api.post("/api/reports/definitions", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect((await api.get("/api/reports/definitions")).body).toEqual(before);
  });

  it("refuses a report beyond the configured number of them with 409", async () => {
    const { database: db } = await getServices();
    await expect(createSavedReport(db, definitions[0]!, "admin:test", saved.length)).rejects.toMatchObject({
      code: "saved_report_limit_reached",
    });
  });

  it("answers 404 for a report that does not exist", async () => {
    for (const id of ["999999", "0", "abc", "1e3", "-1"]) {
      expect((await api.get(`/api/reports/custom/${id}`)).status).toBe(404);
      expect((await api.get(`/api/reports/definitions/${id}`)).status).toBe(404);
      expect((await call("DELETE", `/api/reports/definitions/${id}`)).status).toBe(404);
    }
  });

  it("forgets a user from a report that ties users to their email domain", async () => {
    const report = saved[1]!;
    await catchUpReport(report.id);
    const [row] = await database.query<{ user_key: string }>(
      `SELECT user_key FROM "${report.projection}" WHERE group_key <> '[erased]' LIMIT 1`,
    );
    expect(row).toBeDefined();
    expect((await api.post(`/api/users/${row!.user_key}/forget`, { reason: "ticket 7" })).status).toBe(200);
    const left = await database.query<{ group_key: string }>(
      `SELECT group_key FROM "${report.projection}" WHERE user_key = $1`,
      [row!.user_key],
    );
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((cell) => cell.group_key === "[erased]")).toBe(true);
  });

  it("deletes a report with its checkpoint and table", async () => {
    const report = saved.at(-1)!;
    expect((await call("DELETE", `/api/reports/definitions/${report.id}`)).status).toBe(204);
    expect((await api.get(`/api/reports/definitions/${report.id}`)).status).toBe(404);
    const [left] = await database.query<{ tables: number; checkpoints: number }>(
      `SELECT (SELECT count(*)::int FROM pg_tables WHERE tablename LIKE $1) AS tables,
              (SELECT count(*)::int FROM projection_checkpoints WHERE name = $2) AS checkpoints`,
      [`${report.projection}%`, report.projection],
    );
    expect(left).toEqual({ tables: 0, checkpoints: 0 });
  });
});
