"use client";

import { useCallback, useEffect, useLayoutEffect, useReducer, useState } from "react";
import { versionAt, type History } from "./history";
import { initialTravel, travel, type InitialPoint, type TravelMode } from "./time-travel-state";
import { createVersionSelection } from "./version-selection";

const timeSteps = 1000;
const playbackIntervalMs = 700;
const urlSettleMs = 200;

/**
 * The slider's state over a user's history: the point shown (by version or by time), playback,
 * the point kept in the URL, and the timeline's selection following the point shown.
 */
export function useTimeTravel(history: History, initialPoint: InitialPoint) {
  const latest = history.snapshots.length;
  const [state, dispatch] = useReducer(travel, { history, initialPoint }, initialTravel);
  // The time slider ends at the page's opening (or at the last event, if the clocks disagree).
  const [lastTime] = useState(() => Math.max(Date.now(), history.times[latest - 1] ?? 0));
  const firstTime = history.times[0] ?? lastTime;
  const version = state.version ?? latest;
  const shownVersion = state.mode === "time" ? versionAt(history, state.time) : version;

  // The point lives in the URL, written once the slider settles (not on every step of a drag).
  useEffect(() => {
    const timer = setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.delete("version");
      url.searchParams.delete("at");
      if (state.mode === "time") url.searchParams.set("at", new Date(state.time).toISOString());
      else if (state.version !== null) url.searchParams.set("version", String(state.version));
      window.history.replaceState(window.history.state, "", url);
    }, urlSettleMs);
    return () => clearTimeout(timer);
  }, [state.mode, state.version, state.time]);

  useEffect(() => {
    if (!state.playing) return;
    const timer = setInterval(() => dispatch({ type: "ticked", latest }), playbackIntervalMs);
    return () => clearInterval(timer);
  }, [state.playing, latest]);

  const [selection] = useState(() => createVersionSelection(shownVersion));
  useLayoutEffect(() => selection.select(shownVersion), [selection, shownVersion]);

  const slide = useCallback((value: number) => dispatch({ type: "slid", value, latest }), [latest]);
  // Stable between new events, so that the timeline's entries need not re-render on a step.
  const selectVersion = useCallback(
    (selected: number) => dispatch({ type: "version-selected", version: selected, latest }),
    [latest],
  );
  const switchMode = (mode: TravelMode) =>
    dispatch(
      mode === "time"
        ? { type: "mode-switched", mode, time: shownVersion > 0 ? history.times[shownVersion - 1]! : firstTime }
        : { type: "mode-switched", mode, version: shownVersion, latest },
    );
  const togglePlay = () => dispatch({ type: "play-toggled", from: shownVersion, latest });

  return {
    mode: state.mode,
    playing: state.playing,
    latest,
    shownVersion,
    /** The slider's range and value in the current mode. */
    range:
      state.mode === "time"
        ? {
            min: firstTime,
            max: lastTime,
            step: Math.max(1, Math.floor((lastTime - firstTime) / timeSteps)),
            value: state.time,
          }
        : { min: 1, max: latest, step: 1, value: version },
    time: state.time,
    selection,
    slide,
    selectVersion,
    switchMode,
    togglePlay,
  };
}

export type TimeTravel = ReturnType<typeof useTimeTravel>;
