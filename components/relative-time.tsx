"use client";

import { useEffect, useState } from "react";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function relativeTime(iso: string, now: number): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.round(seconds / size), unit);
  }
  return "";
}

export function absoluteTime(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/**
 * "3 days ago", with the absolute time on hover. Server and browser differ in clock and time
 * zone, so the text is settled in the browser after hydration.
 */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={iso} title={now === null ? iso : absoluteTime(iso)} className={className}>
      {now === null ? iso.slice(0, 10) : relativeTime(iso, now)}
    </time>
  );
}

/** An absolute time, rendered in the browser's time zone once hydrated. */
export function AbsoluteTime({ iso, className }: { iso: string; className?: string }) {
  const [text, setText] = useState(iso.replace("T", " ").slice(0, 16) + " UTC");
  useEffect(() => setText(absoluteTime(iso)), [iso]);
  return (
    <time dateTime={iso} className={className}>
      {text}
    </time>
  );
}
