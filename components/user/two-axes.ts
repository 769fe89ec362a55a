// The user's history on two time axes in the browser: when each change took effect (effective) and
// when Rewind recorded it (recorded). Pure, so that the timeline's marks, the slider's point and the
// axes picture are tested without a browser; the fold is the domain's (lib/domain/users).
import { evolve, initialUserState, type RecordedUserEvent, type UserState } from "@/lib/domain/users";
import type { EventView } from "@/lib/application/users/user-queries";
import type { FieldProvenance } from "./field-provenance";
import { comparedFields, type History, type UserSnapshot } from "./history";

/** When the event took effect: its effectiveAt (the upcaster fills it for every event read), or when recorded. */
export function effectiveAtOf(event: EventView): string {
  const effectiveAt = event.data.effectiveAt;
  return typeof effectiveAt === "string" ? effectiveAt : event.recordedAt;
}

export interface TwoAxes {
  /** effectiveTimes[i] belongs to history.events[i] (ms since the epoch). */
  effectiveTimes: number[];
  /** Whether events[i] took effect at another instant than it was recorded. */
  backdated: boolean[];
  anyBackdated: boolean;
  /** The indices of the events in effective order: by effective instant, ties to the higher version. */
  effectiveOrder: number[];
}

export function twoAxesOf(history: History): TwoAxes {
  const effectiveTimes = history.events.map((event) => Date.parse(effectiveAtOf(event)));
  const backdated = effectiveTimes.map((time, index) => time !== history.times[index]);
  const effectiveOrder = history.events
    .map((_, index) => index)
    .sort((a, b) => effectiveTimes[a]! - effectiveTimes[b]! || history.events[a]!.version - history.events[b]!.version);
  return { effectiveTimes, backdated, anyBackdated: backdated.includes(true), effectiveOrder };
}

/** The user at one point of both axes, with the event that set each field there. */
export interface PointState {
  /** null: not registered at that point (as known then). */
  state: UserSnapshot | null;
  setBy: FieldProvenance | null;
  /** The highest version folded (0 when none): the version Rewind would give that state. */
  version: number;
}

/**
 * The user at effective instant `effective` as known at recorded instant `known`: the events recorded
 * by `known` that took effect by `effective`, folded in effective order — userStateAt's rule
 * (lib/domain/users/bitemporal.ts), with each field credited to the event that set it.
 */
export function stateAtPoint(history: History, axes: TwoAxes, effective: number, known: number): PointState {
  let state: UserState = initialUserState;
  let setBy: FieldProvenance | null = null;
  for (const index of axes.effectiveOrder) {
    if (history.times[index]! > known || axes.effectiveTimes[index]! > effective) continue;
    const event = history.events[index]!;
    const next = evolve(state, {
      type: event.type,
      data: event.data,
      version: event.version,
      recordedAt: event.recordedAt,
    } as RecordedUserEvent);
    if (next.status !== "unregistered") {
      const previous = state.status === "unregistered" ? null : state;
      const changed = comparedFields.filter(([field]) => !previous || next[field] !== previous[field]);
      // Registration sets every field; a later event, those whose value it changed.
      if (changed.length > 0)
        setBy = {
          ...(setBy ?? {}),
          ...Object.fromEntries(changed.map(([field]) => [field, event.version])),
        } as FieldProvenance;
    }
    state = next;
  }
  return state.status === "unregistered"
    ? { state: null, setBy: null, version: 0 }
    : { state, setBy, version: state.version };
}

const dayMs = 24 * 3600 * 1000;

/** How far apart two instants are, in the largest unit that says it ("274 days", "12 seconds"). */
export function durationText(ms: number): string {
  const size = Math.abs(ms);
  const units: [string, number][] = [
    ["day", dayMs],
    ["hour", 3600_000],
    ["minute", 60_000],
    ["second", 1000],
  ];
  for (const [unit, length] of units) {
    if (size >= length) {
      const count = Math.floor(size / length);
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${size} ms`;
}

/**
 * "effective 1 Mar · recorded 30 Nov": the two instants of a backdated event, each written only as
 * precisely as it takes to tell them apart (days; the time of day when on the same day; milliseconds
 * when within the same second), in `timeZone` (the browser's when not given).
 */
export function describeShift(
  effectiveIso: string,
  recordedIso: string,
  timeZone?: string,
): { effective: string; recorded: string; earlierBy: string } {
  const effective = new Date(effectiveIso);
  const recorded = new Date(recordedIso);
  const parts = (date: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
        fractionalSecondDigits: 3,
      })
        .formatToParts(date)
        .map((part) => [part.type, part.value]),
    ) as Record<string, string>;
  const [e, r] = [parts(effective), parts(recorded)];
  const day = (p: Record<string, string>, withYear: boolean) => `${p.day} ${p.month}${withYear ? ` ${p.year}` : ""}`;
  const seconds = (p: Record<string, string>) => `${p.hour}:${p.minute}:${p.second}`;
  let texts: [string, string];
  if (e.year !== r.year) texts = [day(e, true), day(r, true)];
  else if (e.month !== r.month || e.day !== r.day) texts = [day(e, false), day(r, false)];
  else if (seconds(e) !== seconds(r)) texts = [seconds(e), seconds(r)];
  else texts = [`${seconds(e)}.${e.fractionalSecond}`, `${seconds(r)}.${r.fractionalSecond}`];
  const gap = recorded.getTime() - effective.getTime();
  return {
    effective: texts[0],
    recorded: texts[1],
    earlierBy: gap >= 0 ? `${durationText(gap)} earlier` : `${durationText(gap)} later`,
  };
}

/** A `datetime-local` value (the browser's local time, to the millisecond when it has any) for an instant. */
export function toLocalInstantInput(iso: string, timezoneOffsetMinutes?: number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const offset = timezoneOffsetMinutes ?? date.getTimezoneOffset();
  const local = new Date(date.getTime() - offset * 60_000).toISOString();
  // 2026-03-01T10:00:00.000Z → 2026-03-01T10:00 | 2026-03-01T10:00:05 | 2026-03-01T10:00:05.250
  if (local.endsWith(":00.000Z")) return local.slice(0, 16);
  if (local.endsWith(".000Z")) return local.slice(0, 19);
  return local.slice(0, 23);
}

/** The ISO instant a `datetime-local` value names in the browser's time zone; undefined when empty or not a time. */
export function fromLocalInstantInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The picture of the two axes: recorded time across, effective time up. */
export interface AxesGeometry {
  width: number;
  height: number;
  /** The plotting area inside the axes' labels. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** Where effective = recorded: events not backdated lie on it. */
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  marks: AxesMark[];
}

export interface AxesMark {
  version: number;
  x: number;
  y: number;
  /** The height of the diagonal at x: the drop from it to y shows how far back the event took effect. */
  diagonalY: number;
  backdated: boolean;
}

/**
 * Places a mark per event: x from its recorded instant, y from its effective instant, both on one
 * scale from `start` to `end` (a non-backdated event lies on the diagonal).
 */
export function axesGeometry({
  history,
  axes,
  start,
  end,
  width = 320,
  height = 180,
  margin = { left: 28, top: 8, right: 8, bottom: 22 },
}: {
  history: History;
  axes: TwoAxes;
  start: number;
  end: number;
  width?: number;
  height?: number;
  margin?: { left: number; top: number; right: number; bottom: number };
}): AxesGeometry & { x: (time: number) => number; y: (time: number) => number } {
  const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };
  const span = Math.max(1, end - start);
  const share = (time: number) => Math.min(1, Math.max(0, (time - start) / span));
  const round = (value: number) => Math.round(value * 10) / 10;
  const x = (time: number) => round(plot.left + share(time) * (plot.right - plot.left));
  const y = (time: number) => round(plot.bottom - share(time) * (plot.bottom - plot.top));
  const marks = history.events.map((event, index) => ({
    version: event.version,
    x: x(history.times[index]!),
    y: y(axes.effectiveTimes[index]!),
    diagonalY: y(history.times[index]!),
    backdated: axes.backdated[index]!,
  }));
  return {
    width,
    height,
    plot,
    diagonal: { x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.top },
    marks,
    x,
    y,
  };
}

/** The forms a correction opens: a change effective at the instant of the one it corrects. */
export type CorrectionTarget = "rename" | "change-email" | "deactivate" | "reactivate";

export interface Correction {
  target: CorrectionTarget;
  /** The corrected event's effective instant: the correction takes effect there and, recorded later, wins the tie. */
  effectiveAt: string;
  version: number;
  /** What the corrected event set (a name, an email, a reason), to start the correction from. */
  value?: string;
}

/** The correction an event can take, or null for events that take none (registration, password, erasure). */
export function correctionOf(event: EventView): Correction | null {
  const base = { effectiveAt: effectiveAtOf(event), version: event.version };
  const text = (key: string) => (typeof event.data[key] === "string" ? event.data[key] : undefined);
  switch (event.type) {
    case "user.renamed":
      return { ...base, target: "rename", value: text("name") };
    case "user.email_changed":
      return { ...base, target: "change-email", value: text("email") };
    case "user.deactivated":
      return { ...base, target: "deactivate", value: text("reason") };
    case "user.reactivated":
      return { ...base, target: "reactivate" };
    default:
      return null;
  }
}
