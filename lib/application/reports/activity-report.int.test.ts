// The activity report equals counting the raw event log by hand: per day, week and month, at window
// edges and as of an instant in the middle of a day.
import { periodStart } from "../../testing/periods";
import { catchUp, feedShowsEverything } from "../../testing/projections";
import { authorizedRequest } from "../../testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "../../db";
import { testBackends } from "../../testing/databases";
import { GET } from "../../../app/api/reports/activity/route";
import { getServices } from "../services";
import { activityProjection, activitySeries } from "../users/activity-projection";
import { seedDemoUsers } from "../users/seed-demo-users";
import type { ActivityPoint } from "./activity-report";

const get = async (query: string) => {
  const response = await GET(await authorizedRequest(`http://rewind.test/api/reports/activity?${query}`), {
    params: Promise.resolve({}),
  });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
};

/** Each point of the answer holds the brute force's counts for its period (zero where it found none). */
function expectEachPointCounted(points: ActivityPoint[], expected: Map<string, Record<string, number>>) {
  for (const { start, ...series } of points) {
    expect(series, start).toEqual({
      registrations: 0,
      renames: 0,
      emailChanges: 0,
      deactivations: 0,
      ...expected.get(start),
    });
  }
}

async function bruteForce(from: string, to: string, bucket: "day" | "week" | "month", asOf?: Date) {
  const { store, database } = await getServices();
  await feedShowsEverything(database);
  const counts = new Map<string, Record<string, number>>();
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.events.length === 0) break;
    for (const event of page.events) {
      const series = activitySeries[event.type as keyof typeof activitySeries];
      const day = event.recordedAt.toISOString().slice(0, 10);
      if (!series || day < from || day >= to || (asOf && event.recordedAt > asOf)) continue;
      const start = periodStart(event.recordedAt, bucket);
      const point = counts.get(start) ?? {};
      point[series] = (point[series] ?? 0) + 1;
      counts.set(start, point);
    }
    after = page.lastPosition;
  }
  return counts;
}

// The generated history ends now and reaches 14 months back: windows are placed inside it, relative
// to today, so that they never drift out of the data as the calendar moves on.
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);

describe.each(testBackends())("activity report on $name", (backend) => {
  beforeAll(async () => {
    const database = await backend.open();
    provideDatabase(database);
    await seedDemoUsers(database, { users: 150, months: 14, seed: 33, now });
    const { database: db, store } = await getServices();
    await catchUp(db, store, activityProjection, 500);
  });
  afterAll(() => closeDatabase());

  it.each(["day", "week", "month"] as const)(
    "counts per %s equal the raw log, with every bucket of the window present",
    async (bucket) => {
      const from = daysAgo(290);
      const to = daysAgo(87);
      const { status, text } = await get(`from=${from}&to=${to}&bucket=${bucket}`);
      expect(status).toBe(200);
      const body = JSON.parse(text) as {
        points: ActivityPoint[];
        totals: Record<string, number>;
        freshness: { state: string };
      };
      const expected = await bruteForce(from, to, bucket);
      expectEachPointCounted(body.points, expected);
      expect([...expected.keys()].every((start) => body.points.some((point) => point.start === start))).toBe(true);
      const starts = body.points.map((point) => point.start);
      expect(starts).toEqual([...starts].sort());
      expect(new Set(starts).size).toBe(starts.length);
      const total = (series: string) => [...expected.values()].reduce((sum, point) => sum + (point[series] ?? 0), 0);
      // Counts equal to an empty brute force would prove nothing: the window holds every kind of event.
      for (const series of ["registrations", "renames", "emailChanges", "deactivations"]) {
        expect(total(series), series).toBeGreaterThan(0);
        expect(body.totals[series], series).toBe(total(series));
      }
      expect(body.points.filter((point) => point.renames > 0).length).toBeGreaterThan(bucket === "month" ? 3 : 10);
      expect(body.freshness.state).toBe("up to date");
    },
  );

  it("reads as of an instant in the middle of a day: whole days before it, and that day up to it", async () => {
    const { store, database } = await getServices();
    await feedShowsEverything(database);
    const renames = (await store.readAll({ limit: 10_000, keepTypes: ["user.renamed"] })).events
      .map((event) => event.recordedAt.getTime())
      .sort((a, b) => a - b);
    const asOf = new Date(renames[Math.floor(renames.length * 0.6)]!);
    const [from, to] = [daysAgo(500), daysAgo(-2)];
    const { text } = await get(`asOf=${asOf.toISOString()}&bucket=day&from=${from}&to=${to}`);
    const body = JSON.parse(text) as { points: ActivityPoint[] };
    const expected = await bruteForce(from, to, "day", asOf);
    expect(expected.size).toBeGreaterThan(30);
    expectEachPointCounted(body.points, expected);
    const asOfDay = asOf.toISOString().slice(0, 10);
    const thatDay = body.points.find((point) => point.start === asOfDay)!;
    expect(thatDay.renames).toBeGreaterThan(0);
  });

  it("exports CSV that parses back to the same points", async () => {
    const json = JSON.parse((await get("bucket=month")).text) as { points: ActivityPoint[] };
    const csv = await get("bucket=month&format=csv");
    expect(csv.type).toBe("text/csv; charset=utf-8");
    const [header, ...rows] = csv.text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    expect(header).toEqual(["start", "registrations", "renames", "emailChanges", "deactivations"]);
    expect(json.points.some((point) => point.registrations > 0 && point.renames > 0)).toBe(true);
    expect(rows).toEqual(
      json.points.map((p) => [p.start, p.registrations, p.renames, p.emailChanges, p.deactivations].map(String)),
    );
  });

  it.each([
    "bucket=year",
    "from=2025-13-01",
    "from=2025-02-01&to=2025-01-01",
    "from=2000-01-01&to=2025-01-01",
    "asOf=soon",
  ])("refuses %s with 400", async (query) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(response.type).toBe("application/problem+json");
  });
});
