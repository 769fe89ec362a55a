"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useState } from "react";
import { versionAt, type History } from "./history";
import { initialTravel, pointParams, travel, type InitialPoint, type TravelMode } from "./time-travel-state";
import { stateAtPoint, twoAxesOf } from "./two-axes";
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
  const axes = useMemo(() => twoAxesOf(history), [history]);
  // Time mode is a point of both axes. Without backdated events, effective T as known at K is the
  // version recorded by the earlier of the two; with them, the events are folded in effective order.
  const knownTime = state.knownAt ?? Number.POSITIVE_INFINITY;
  const point = useMemo(
    () => (state.mode === "time" && axes.anyBackdated ? stateAtPoint(history, axes, state.time, knownTime) : null),
    [history, axes, state.mode, state.time, knownTime],
  );
  const shownVersion =
    state.mode === "time" ? (point ? point.version : versionAt(history, Math.min(state.time, knownTime))) : version;

  // The point lives in the URL, written once the slider settles (not on every step of a drag).
  useEffect(() => {
    const timer = setTimeout(() => {
      const url = new URL(window.location.href);
      for (const [key, value] of Object.entries(pointParams(state))) {
        if (value === undefined) url.searchParams.delete(key);
        else url.searchParams.set(key, value);
      }
      window.history.replaceState(window.history.state, "", url);
    }, urlSettleMs);
    return () => clearTimeout(timer);
  }, [state]);

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
  /** Moves "as known on" (the recorded axis); null: now. */
  const setKnownAt = useCallback(
    (knownAt: number | null) => dispatch({ type: "known-at-set", knownAt, last: lastTime }),
    [lastTime],
  );

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
    /** "As known on": the recorded instant of time mode, or null for now. */
    knownAt: state.knownAt,
    /** The "as known on" slider's range, over the recorded axis up to now. */
    knownRange: {
      min: firstTime,
      max: lastTime,
      step: Math.max(1, Math.floor((lastTime - firstTime) / timeSteps)),
      value: state.knownAt ?? lastTime,
    },
    /** The user at the point of both axes shown, when backdated events make it differ from a version's. */
    point,
    axes,
    setKnownAt,
    selection,
    slide,
    selectVersion,
    switchMode,
    togglePlay,
  };
}

export type TimeTravel = ReturnType<typeof useTimeTravel>;
