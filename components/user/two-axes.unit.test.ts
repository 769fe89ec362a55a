import { describe, expect, it } from "vitest";
import type { EventView } from "@/lib/application/users/user-queries";
import { buildHistory } from "./history";
import {
  axesGeometry,
  correctionOf,
  describeShift,
  durationText,
  fromLocalInstantInput,
  stateAtPoint,
  toLocalInstantInput,
  twoAxesOf,
} from "./two-axes";

const day = (n: number) => `2026-03-${String(n).padStart(2, "0")}T10:00:00.000Z`;
const at = (n: number) => Date.parse(day(n));

/** Events as the API lists them: version from 1, recorded on the given day, effective then unless said. */
function userEvents(...events: { type: string; data: Record<string, unknown>; recorded: number }[]): EventView[] {
  return events.map(({ type, data, recorded }, index) => ({
    type,
    data: { effectiveAt: day(recorded), ...data },
    position: 10 + index,
    streamId: "user-u-1",
    version: index + 1,
    metadata: {},
    recordedAt: day(recorded),
  }));
}

// Registered on day 1 as Ada; renamed Ada King on day 5; on day 6 a rename effective on day 3 is
// recorded with a typo (Ada Byrn), corrected on day 7 at the same effective instant (Ada Byron).
const history = buildHistory(
  userEvents(
    { type: "user.registered", data: { userId: "u-1", name: "Ada", email: "ada@example.com" }, recorded: 1 },
    { type: "user.renamed", data: { name: "Ada King", previousName: "Ada" }, recorded: 5 },
    { type: "user.renamed", data: { name: "Ada Byrn", previousName: "Ada", effectiveAt: day(3) }, recorded: 6 },
    { type: "user.renamed", data: { name: "Ada Byron", previousName: "Ada Byrn", effectiveAt: day(3) }, recorded: 7 },
  ),
);
const axes = twoAxesOf(history);

describe("twoAxesOf", () => {
  it("marks the events effective at another instant than recorded, and orders by effective instant, ties by version", () => {
    expect(axes.backdated).toEqual([false, false, true, true]);
    expect(axes.anyBackdated).toBe(true);
    expect(axes.effectiveOrder).toEqual([0, 2, 3, 1]);
  });

  it("reads an event without effectiveAt as effective when recorded", () => {
    const plain = buildHistory([{ ...history.events[0]!, data: { userId: "u-1", name: "Ada", email: "a@b.c" } }]);
    expect(twoAxesOf(plain)).toMatchObject({ backdated: [false], anyBackdated: false });
  });
});

describe("stateAtPoint", () => {
  const nameAt = (effective: number, known: number) =>
    stateAtPoint(history, axes, at(effective), at(known)).state?.name;

  it("shows the correction on the effective axis, and what was known before it on the recorded axis", () => {
    expect(nameAt(4, 8)).toBe("Ada Byron");
    expect(nameAt(4, 6)).toBe("Ada Byrn");
    expect(nameAt(4, 5)).toBe("Ada");
  });

  it("keeps the later-effective rename as the name from its instant on", () => {
    expect(nameAt(5, 8)).toBe("Ada King");
    expect(nameAt(2, 8)).toBe("Ada");
  });

  it("credits each field to the event that set it at that point, and gives the highest version folded", () => {
    const point = stateAtPoint(history, axes, at(4), at(8));
    expect(point.setBy).toEqual({ name: 4, email: 1, status: 1, deactivationReason: 1 });
    expect(point.version).toBe(4);
    expect(stateAtPoint(history, axes, at(4), at(6)).setBy?.name).toBe(3);
  });

  it("is not registered before the registration took effect or was recorded", () => {
    expect(stateAtPoint(history, axes, Date.parse("2026-02-28T10:00:00Z"), at(8))).toEqual({
      state: null,
      setBy: null,
      version: 0,
    });
  });
});

describe("describeShift", () => {
  it("writes days when the instants fall on different days, with the year when the years differ", () => {
    expect(describeShift("2026-03-01T09:00:00Z", "2026-11-30T15:00:00Z", "UTC")).toEqual({
      effective: "1 Mar",
      recorded: "30 Nov",
      earlierBy: "274 days earlier",
    });
    expect(describeShift("2025-12-31T09:00:00Z", "2026-01-02T09:00:00Z", "UTC")).toMatchObject({
      effective: "31 Dec 2025",
      recorded: "2 Jan 2026",
    });
  });

  it("writes the time of day on the same day, to the millisecond within the same second", () => {
    expect(describeShift("2026-03-01T09:00:05Z", "2026-03-01T09:00:17.250Z", "UTC")).toEqual({
      effective: "09:00:05",
      recorded: "09:00:17",
      earlierBy: "12 seconds earlier",
    });
    expect(describeShift("2026-03-01T09:00:05.100Z", "2026-03-01T09:00:05.350Z", "UTC")).toMatchObject({
      effective: "09:00:05.100",
      recorded: "09:00:05.350",
      earlierBy: "250 ms earlier",
    });
  });

  it("tells the days apart in the time zone given", () => {
    expect(describeShift("2026-03-01T23:30:00Z", "2026-03-02T00:30:00Z", "UTC")).toMatchObject({
      effective: "1 Mar",
      recorded: "2 Mar",
    });
    expect(describeShift("2026-03-01T23:30:00Z", "2026-03-02T00:30:00Z", "Asia/Kolkata")).toMatchObject({
      effective: "05:00:00",
      recorded: "06:00:00",
      earlierBy: "1 hour earlier",
    });
  });

  it("counts in the largest whole unit", () => {
    expect(durationText(1)).toBe("1 ms");
    expect(durationText(61_000)).toBe("1 minute");
    expect(durationText(2 * 86_400_000 + 5)).toBe("2 days");
  });
});

describe("datetime-local values", () => {
  it("writes an instant in the local time given, as precisely as it needs", () => {
    expect(toLocalInstantInput("2026-03-01T10:00:00.000Z", -330)).toBe("2026-03-01T15:30");
    expect(toLocalInstantInput("2026-03-01T10:00:05.000Z", 0)).toBe("2026-03-01T10:00:05");
    expect(toLocalInstantInput("2026-03-01T10:00:05.125Z", 60)).toBe("2026-03-01T09:00:05.125");
    expect(toLocalInstantInput("nonsense")).toBe("");
  });

  it("reads back the very instant it wrote, to the millisecond (a correction must not come before what it corrects)", () => {
    for (const iso of ["2026-03-01T10:00:00.000Z", "2026-03-01T10:00:05.000Z", "2026-11-30T18:24:42.123Z"])
      expect(fromLocalInstantInput(toLocalInstantInput(iso))).toBe(iso);
  });

  it("reads nothing from an empty or partial value", () => {
    expect(fromLocalInstantInput("")).toBeUndefined();
    expect(fromLocalInstantInput("2026-03-01")).toBeUndefined();
  });
});

describe("axesGeometry", () => {
  const geometry = axesGeometry({
    history,
    axes,
    start: at(1),
    end: at(11),
    width: 120,
    height: 120,
    margin: { left: 10, top: 10, right: 10, bottom: 10 },
  });

  it("puts recorded time across and effective time up, on one scale from start to end", () => {
    expect(geometry.plot).toEqual({ left: 10, top: 10, right: 110, bottom: 110 });
    expect(geometry.diagonal).toEqual({ x1: 10, y1: 110, x2: 110, y2: 10 });
    expect(geometry.marks[0]).toMatchObject({ version: 1, x: 10, y: 110, backdated: false });
    expect(geometry.marks[1]).toMatchObject({ version: 2, x: 50, y: 70, diagonalY: 70 });
  });

  it("drops a backdated event below the diagonal by how far back it took effect", () => {
    expect(geometry.marks[2]).toMatchObject({ version: 3, x: 60, y: 90, diagonalY: 60, backdated: true });
    expect(geometry.marks[3]).toMatchObject({ version: 4, x: 70, y: 90, diagonalY: 50, backdated: true });
  });

  it("keeps instants outside the axes on their ends", () => {
    expect(geometry.x(at(20))).toBe(110);
    expect(geometry.y(Date.parse("2026-02-28T10:00:00Z"))).toBe(110);
  });
});

describe("correctionOf", () => {
  it("opens the form of the event's kind at its effective instant, with what it set", () => {
    expect(correctionOf(history.events[2]!)).toEqual({
      target: "rename",
      effectiveAt: day(3),
      version: 3,
      value: "Ada Byrn",
    });
    const [, deactivated, reactivated, email] = userEvents(
      { type: "user.registered", data: {}, recorded: 1 },
      { type: "user.deactivated", data: { reason: "moved", category: "requested" }, recorded: 2 },
      { type: "user.reactivated", data: {}, recorded: 3 },
      { type: "user.email_changed", data: { email: "a@b.c", previousEmail: "x@y.z" }, recorded: 4 },
    );
    expect(correctionOf(deactivated!)).toMatchObject({ target: "deactivate", value: "moved" });
    expect(correctionOf(reactivated!)).toMatchObject({ target: "reactivate", effectiveAt: day(3) });
    expect(correctionOf(email!)).toMatchObject({ target: "change-email", value: "a@b.c" });
  });

  it("offers none for a registration, a password change or an erasure", () => {
    for (const type of ["user.registered", "user.password_changed", "user.forgotten"])
      expect(correctionOf({ ...history.events[0]!, type })).toBeNull();
  });
});
