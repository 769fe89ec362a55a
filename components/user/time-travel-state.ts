// Where the time-travel slider stands, as a reducer: pure, so that every move is tested without a
// browser (use-time-travel.ts binds it to React, the URL and playback).
import { versionAt, type History } from "./history";

export type InitialPoint = { version: number } | { at: string } | null;
export type TravelMode = "version" | "time";

/** Where the slider stands. One axis per mode; a new axis is a new mode and its own field. */
export interface TravelState {
  mode: TravelMode;
  /** The version chosen in version mode, or null to follow the latest as new events arrive. */
  version: number | null;
  /** The instant chosen in time mode (ms since the epoch). */
  time: number;
  playing: boolean;
}

export type TravelAction =
  | { type: "slid"; value: number; latest: number }
  | { type: "version-selected"; version: number; latest: number }
  | { type: "mode-switched"; mode: "version"; version: number; latest: number }
  | { type: "mode-switched"; mode: "time"; time: number }
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
      return { ...state, playing: false, mode: "version", version: pinned(action.version, action.latest) };
    case "mode-switched":
      return action.mode === "time"
        ? { ...state, playing: false, mode: "time", time: action.time }
        : { ...state, playing: false, mode: "version", version: pinned(action.version, action.latest) };
    case "play-toggled":
      if (state.playing) return { ...state, playing: false };
      // At the end, a replay starts from the beginning.
      return {
        ...state,
        playing: true,
        mode: "version",
        version: pinned(action.from >= action.latest ? 1 : action.from, action.latest),
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
    return { mode: "time", version: pinned(versionAt(history, time), latest), time, playing: false };
  }
  return {
    mode: "version",
    version: initialPoint ? pinned(initialPoint.version, latest) : null,
    time: now,
    playing: false,
  };
}
