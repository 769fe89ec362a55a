"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** How far ahead of the page's clock a past event may seem: the clock ticks, and server and browser clocks differ. */
const clockSlackSeconds = 60;

// One formatter of each kind for the page: making one costs more than formatting with it, and a
// timeline formats thousands of times.
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const absoluteFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

export function relativeTime(iso: string, now: number): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  // Something that happened just now must not read "in 1 second".
  if (seconds > 0 && seconds < clockSlackSeconds) return relativeFormat.format(0, "second");
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return "";
}

export function absoluteTime(iso: string): string {
  return absoluteFormat.format(new Date(iso));
}

/** `datetime-local` speaks the browser's local time; URLs and the API speak ISO instants ("" for none or nonsense). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

// One clock for every relative time on the page (a timeline can show a thousand of them).
let clockNow = 0;
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | undefined;

function subscribeToClock(listener: () => void) {
  clockListeners.add(listener);
  if (!clockTimer) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      for (const notify of clockListeners) notify();
    }, 30_000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0) {
      clearInterval(clockTimer);
      clockTimer = undefined;
    }
  };
}

/**
 * "3 days ago", with the absolute time on hover. Server and browser differ in clock and time
 * zone, so the text is settled in the browser after hydration (the server snapshot is null).
 */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useSyncExternalStore(
    subscribeToClock,
    () => clockNow || Date.now(),
    () => null,
  );
  return (
    <time dateTime={iso} title={now === null ? iso : absoluteTime(iso)} className={className}>
      {now === null ? iso.slice(0, 10) : relativeTime(iso, now)}
    </time>
  );
}

/** An absolute time, rendered in the browser's time zone once hydrated. */
export function AbsoluteTime({ iso, className }: { iso: string; className?: string }) {
  const [text, setText] = useState(iso.replace("T", " ").slice(0, 16) + " UTC");
  // eslint-disable-next-line react-hooks/set-state-in-effect -- only the browser knows its time zone: rendering it before hydration would not match the server's HTML
  useEffect(() => setText(absoluteTime(iso)), [iso]);
  return (
    <time dateTime={iso} className={className}>
      {text}
    </time>
  );
}
