// Where the time-travel slider stands, as a reducer: pure, so that every move is tested without a
// browser (use-time-travel.ts binds it to React, the URL and playback).
import { versionAt, type History } from "./history";

/** Where the page opens: a version, or an effective instant (`at`) as known at `knownAt` (absent: now). */
export type InitialPoint = { version: number } | { at: string; knownAt?: string } | null;
export type TravelMode = "version" | "time";

/** Where the slider stands. One axis per mode; a new axis is a new mode and its own field. */
export interface TravelState {
  mode: TravelMode;
  /** The version chosen in version mode, or null to follow the latest as new events arrive. */
  version: number | null;
  /** The effective instant chosen in time mode (ms since the epoch): how the user was then. */
  time: number;
  /** Time mode's recorded instant, "as known on" (ms since the epoch), or null for now. */
  knownAt: number | null;
  playing: boolean;
}

export type TravelAction =
  | { type: "slid"; value: number; latest: number }
  | { type: "version-selected"; version: number; latest: number }
  | { type: "mode-switched"; mode: "version"; version: number; latest: number }
  | { type: "mode-switched"; mode: "time"; time: number }
  | { type: "known-at-set"; knownAt: number | null; last: number }
  | { type: "play-toggled"; from: number; latest: number }
  | { type: "ticked"; latest: number };

/** A version at or past the latest follows the latest. */
const pinned = (version: number, latest: number) => (version >= latest ? null : Math.max(version, 1));

export function travel(state: TravelState, action: TravelAction): TravelState {
  switch (action.type) {
    case "slid":
      return state.mode === "time"
        ? { ...state, playing: false, time: action.value }
        : { ...state, playing: false, version: pinned(action.value, action.latest) };
    case "version-selected":
      // A version is a point of the recorded axis: what Rewind showed right after recording it.
      return {
        ...state,
        playing: false,
        mode: "version",
        version: pinned(action.version, action.latest),
        knownAt: null,
      };
    case "mode-switched":
      return action.mode === "time"
        ? { ...state, playing: false, mode: "time", time: action.time }
        : { ...state, playing: false, mode: "version", version: pinned(action.version, action.latest), knownAt: null };
    case "known-at-set":
      // At or past the page's last instant, "as known on" is now (and follows what is recorded next).
      return {
        ...state,
        playing: false,
        mode: "time",
        knownAt: action.knownAt === null || action.knownAt >= action.last ? null : action.knownAt,
      };
    case "play-toggled":
      if (state.playing) return { ...state, playing: false };
      // At the end, a replay starts from the beginning.
      return {
        ...state,
        playing: true,
        mode: "version",
        version: pinned(action.from >= action.latest ? 1 : action.from, action.latest),
        knownAt: null,
      };
    case "ticked":
      if (!state.playing || state.mode !== "version") return state;
      if (state.version === null) return { ...state, playing: false };
      return { ...state, version: pinned(state.version + 1, action.latest) };
  }
}

export function initialTravel({
  history,
  initialPoint,
}: {
  history: History;
  initialPoint: InitialPoint;
}): TravelState {
  const latest = history.snapshots.length;
  const now = Math.max(Date.now(), history.times[latest - 1] ?? 0);
  if (initialPoint && "at" in initialPoint) {
    const time = Date.parse(initialPoint.at);
    const knownAt = initialPoint.knownAt === undefined ? null : Date.parse(initialPoint.knownAt);
    return {
      mode: "time",
      version: pinned(versionAt(history, Math.min(time, knownAt ?? time)), latest),
      time,
      knownAt: knownAt !== null && knownAt >= now ? null : knownAt,
      playing: false,
    };
  }
  return {
    mode: "version",
    version: initialPoint ? pinned(initialPoint.version, latest) : null,
    time: now,
    knownAt: null,
    playing: false,
  };
}

/** The point as the URL keeps it: `version`, or `at` (effective) with `knownAt` unless it is now. */
export function pointParams(state: TravelState): Record<"version" | "at" | "knownAt", string | undefined> {
  if (state.mode === "time")
    return {
      version: undefined,
      at: new Date(state.time).toISOString(),
      knownAt: state.knownAt === null ? undefined : new Date(state.knownAt).toISOString(),
    };
  return { version: state.version === null ? undefined : String(state.version), at: undefined, knownAt: undefined };
}

/**
 * The point a URL's query names, as the user page reads it: `?version=N`; `?at=T`, with `&knownAt=K`;
 * `?knownAt=K` alone is what Rewind showed at K (effective K, as known at K), as the API reads it.
 */
export function initialPointOf(query: { version?: number; at?: Date; knownAt?: Date } | null): InitialPoint {
  if (!query) return null;
  if (query.version !== undefined) return { version: query.version };
  const knownAt = query.knownAt?.toISOString();
  if (query.at) return knownAt ? { at: query.at.toISOString(), knownAt } : { at: query.at.toISOString() };
  return knownAt ? { at: knownAt, knownAt } : null;
}
