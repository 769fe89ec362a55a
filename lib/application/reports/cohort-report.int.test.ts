// The cohort report equals a brute-force fold of the log: for each registration month, each user's
// status at the start of every later month, counted by hand — now, and as of earlier instants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "../../db";
import type { RecordedEvent } from "../../eventstore";
import { api, call } from "../../testing/api";
import { testBackends } from "../../testing/databases";
import { catchUp, everyEvent as everyEventIn } from "../../testing/projections";
import { getServices } from "../services";
import { cohortsProjection } from "../users/cohorts-projection";
import { seedDemoUsers } from "../users/seed-demo-users";
import type { CohortRow } from "./cohort-report";

const now = new Date();

async function everyEvent(): Promise<RecordedEvent[]> {
  const { database, store } = await getServices();
  return everyEventIn(database, store);
}

const monthOf = (date: Date) => date.toISOString().slice(0, 7);
const monthsAfter = (month: string, months: number) => {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, number - 1 + months, 1));
};

function bruteForce(events: RecordedEvent[], from: string, to: string, asOf: Date): CohortRow[] {
  const histories = new Map<string, { registered: Date; changes: { at: Date; active: boolean }[] }>();
  for (const event of events) {
    if (event.type === "user.registered") histories.set(event.streamId, { registered: event.recordedAt, changes: [] });
    const history = histories.get(event.streamId);
    if (!history) continue;
    if (event.type === "user.registered" || event.type === "user.reactivated")
      history.changes.push({ at: event.recordedAt, active: true });
    if (event.type === "user.deactivated" || event.type === "user.forgotten")
      history.changes.push({ at: event.recordedAt, active: false });
  }
  const cohorts = new Map<string, { registered: Date; changes: { at: Date; active: boolean }[] }[]>();
  for (const history of histories.values()) {
    const month = monthOf(history.registered);
    if (month < from || month >= to || monthsAfter(month, 1) > asOf) continue;
    cohorts.set(month, [...(cohorts.get(month) ?? []), history]);
  }
  return [...cohorts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([cohort, users]) => {
      const retention = [];
      for (let months = 1; monthsAfter(cohort, months) <= asOf; months++) {
        const start = monthsAfter(cohort, months);
        const active = users.filter(
          (user) => user.changes.filter((change) => change.at < start).at(-1)?.active === true,
        ).length;
        retention.push({ months, active, share: active / users.length });
      }
      return { cohort, size: users.length, retention };
    });
}

describe.each(testBackends())("cohort report on $name", (backend) => {
  beforeAll(async () => {
    provideDatabase(await backend.open());
    await seedDemoUsers((await getServices()).database, { users: 150, months: 14, seed: 5, now });
    const { database, store } = await getServices();
    await catchUp(database, store, cohortsProjection, 200);
  }, 240_000);
  afterAll(async () => {
    await closeDatabase();
  });

  const from = monthOf(new Date(now.getTime() - 15 * 31 * 86_400_000));
  const to = monthOf(new Date(now.getTime() + 31 * 86_400_000));

  it("equals the brute-force fold of the log now", async () => {
    const response = await api.get(`/api/reports/cohorts?from=${from}&to=${to}`);
    expect(response.status, response.text).toBe(200);
    const expected = bruteForce(await everyEvent(), from, to, new Date());
    expect(expected.length).toBeGreaterThan(6);
    expect(expected.some((cohort) => cohort.retention.some((cell) => cell.share < 1))).toBe(true);
    expect((response.body as { cohorts: CohortRow[] }).cohorts).toEqual(expected);
  });

  it("equals the brute-force fold as of earlier instants, a month start among them", async () => {
    const events = await everyEvent();
    const monthStart = monthsAfter(monthOf(new Date(now.getTime() - 200 * 86_400_000)), 0);
    for (const asOf of [
      new Date(now.getTime() - 95 * 86_400_000 - 3_600_000),
      monthStart,
      new Date(monthStart.getTime() - 1),
    ]) {
      const response = await api.get(`/api/reports/cohorts?from=${from}&to=${to}&asOf=${asOf.toISOString()}`);
      expect(response.status, response.text).toBe(200);
      expect((response.body as { cohorts: CohortRow[] }).cohorts, asOf.toISOString()).toEqual(
        bruteForce(events, from, to, asOf),
      );
    }
  });

  it("answers CSV, one line per cohort and month", async () => {
    const response = await call("GET", `/api/reports/cohorts?from=${from}&to=${to}&format=csv`);
    const lines = response.text
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe("cohort,size,months_later,active,share");
    const expected = bruteForce(await everyEvent(), from, to, new Date());
    expect(lines.length - 1).toBe(expected.reduce((sum, cohort) => sum + cohort.retention.length, 0));
  });

  it("refuses a window that is not one", async () => {
    for (const query of ["from=2025-13", "from=2025-05&to=2025-05", "from=2000-01&to=2026-01", "asOf=yesterday"])
      expect((await api.get(`/api/reports/cohorts?${query}`)).status, query).toBe(400);
  });
});
