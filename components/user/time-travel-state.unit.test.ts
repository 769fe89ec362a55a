import { describe, expect, it } from "vitest";
import type { EventView } from "@/lib/application/users/user-queries";
import { buildHistory } from "./history";
import { initialPointOf, initialTravel, pointParams, travel, type TravelState } from "./time-travel-state";

const day = (n: number) => `2025-03-${String(n).padStart(2, "0")}T10:00:00.000Z`;
/** A user registered on day 1 and renamed on days 2 and 3: versions 1 to 3. */
const history = buildHistory(
  [
    { type: "user.registered", data: { userId: "u-1", name: "Ada", email: "ada@example.com" } },
    { type: "user.renamed", data: { name: "Ada King", previousName: "Ada" } },
    { type: "user.renamed", data: { name: "Ada Lovelace", previousName: "Ada King" } },
  ].map((event, index): EventView => ({
    ...event,
    position: index + 1,
    streamId: "user-u-1",
    version: index + 1,
    metadata: {},
    recordedAt: day(index + 1),
  })),
);
const latest = 3;
const atVersion = (version: number | null, playing = false): TravelState => ({
  mode: "version",
  version,
  time: 0,
  knownAt: null,
  playing,
});

describe("initialTravel", () => {
  it("follows the latest version without a point, or with one at or past it", () => {
    expect(initialTravel({ history, initialPoint: null })).toMatchObject({ mode: "version", version: null });
    expect(initialTravel({ history, initialPoint: { version: 7 } })).toMatchObject({ mode: "version", version: null });
  });

  it("opens at a version, or at an instant by time", () => {
    expect(initialTravel({ history, initialPoint: { version: 2 } })).toMatchObject({ mode: "version", version: 2 });
    expect(initialTravel({ history, initialPoint: { at: day(2) } })).toMatchObject({
      mode: "time",
      time: Date.parse(day(2)),
      version: 2,
    });
  });
});

describe("travel", () => {
  it("stops following the latest when slid back, and follows it again when slid to the end", () => {
    const back = travel(atVersion(null), { type: "slid", value: 2, latest });
    expect(back.version).toBe(2);
    expect(travel(back, { type: "slid", value: 3, latest }).version).toBeNull();
  });

  it("moves along time in time mode, leaving the version alone", () => {
    const state = travel({ ...atVersion(2), mode: "time" }, { type: "slid", value: 1234, latest });
    expect(state).toMatchObject({ mode: "time", time: 1234, version: 2 });
  });

  it("selecting an event goes to its version by version, and stops playback", () => {
    const state = travel({ ...atVersion(null, true), mode: "time" }, { type: "version-selected", version: 1, latest });
    expect(state).toMatchObject({ mode: "version", version: 1, playing: false });
  });

  it("replays from version 1 when played at the end, then steps up to the latest and stops there", () => {
    let state = travel(atVersion(null), { type: "play-toggled", from: 3, latest });
    expect(state).toMatchObject({ playing: true, version: 1 });
    state = travel(state, { type: "ticked", latest });
    expect(state.version).toBe(2);
    state = travel(state, { type: "ticked", latest });
    expect(state).toMatchObject({ version: null, playing: true });
    state = travel(state, { type: "ticked", latest });
    expect(state).toMatchObject({ version: null, playing: false });
  });

  it("plays on from the point shown, and pauses on a second press", () => {
    const playing = travel(atVersion(2), { type: "play-toggled", from: 2, latest });
    expect(playing).toMatchObject({ playing: true, version: 2 });
    expect(travel(playing, { type: "play-toggled", from: 2, latest })).toMatchObject({ playing: false, version: 2 });
  });

  it("switching modes keeps the point shown", () => {
    const byTime = travel(atVersion(2), { type: "mode-switched", mode: "time", time: Date.parse(day(2)) });
    expect(byTime).toMatchObject({ mode: "time", time: Date.parse(day(2)) });
    expect(travel(byTime, { type: "mode-switched", mode: "version", version: 0, latest })).toMatchObject({
      mode: "version",
      version: 1,
    });
  });
});

describe("two axes in time mode", () => {
  it("moves as known on along the recorded axis, and follows now at or past the page's last instant", () => {
    const byTime: TravelState = { ...atVersion(2), mode: "time", time: Date.parse(day(3)) };
    const known = travel(byTime, { type: "known-at-set", knownAt: Date.parse(day(2)), last: Date.parse(day(9)) });
    expect(known).toMatchObject({ mode: "time", time: Date.parse(day(3)), knownAt: Date.parse(day(2)) });
    expect(travel(known, { type: "known-at-set", knownAt: Date.parse(day(9)), last: Date.parse(day(9)) }).knownAt).toBe(
      null,
    );
    expect(travel(known, { type: "known-at-set", knownAt: null, last: Date.parse(day(9)) }).knownAt).toBe(null);
  });

  it("forgets as known on when going to a version, which is itself a point of the recorded axis", () => {
    const known: TravelState = { ...atVersion(2), mode: "time", knownAt: 5 };
    expect(travel(known, { type: "version-selected", version: 1, latest }).knownAt).toBeNull();
    expect(travel(known, { type: "mode-switched", mode: "version", version: 1, latest }).knownAt).toBeNull();
  });

  it("opens at an effective instant as known at another", () => {
    expect(initialTravel({ history, initialPoint: { at: day(3), knownAt: day(2) } })).toMatchObject({
      mode: "time",
      time: Date.parse(day(3)),
      knownAt: Date.parse(day(2)),
      version: 2,
    });
  });

  it("keeps the point in the URL: a version, or at with knownAt unless it is now", () => {
    expect(pointParams(atVersion(2))).toEqual({ version: "2", at: undefined, knownAt: undefined });
    expect(pointParams(atVersion(null))).toEqual({ version: undefined, at: undefined, knownAt: undefined });
    expect(pointParams({ ...atVersion(2), mode: "time", time: Date.parse(day(3)) })).toEqual({
      version: undefined,
      at: day(3),
      knownAt: undefined,
    });
    expect(
      pointParams({ ...atVersion(2), mode: "time", time: Date.parse(day(3)), knownAt: Date.parse(day(2)) }),
    ).toEqual({ version: undefined, at: day(3), knownAt: day(2) });
  });

  it("reads the URL's point as the API does: knownAt alone is effective and known then", () => {
    expect(initialPointOf(null)).toBeNull();
    expect(initialPointOf({})).toBeNull();
    expect(initialPointOf({ version: 2 })).toEqual({ version: 2 });
    expect(initialPointOf({ at: new Date(day(3)) })).toEqual({ at: day(3) });
    expect(initialPointOf({ at: new Date(day(3)), knownAt: new Date(day(2)) })).toEqual({
      at: day(3),
      knownAt: day(2),
    });
    expect(initialPointOf({ knownAt: new Date(day(2)) })).toEqual({ at: day(2), knownAt: day(2) });
  });
});
