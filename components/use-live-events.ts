"use client";

import { useEffect, useRef } from "react";
import { userEventTypes } from "@/lib/domain/users";

/** An event as the stream sends it: as GET /api/events shows it. */
export interface LiveEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/**
 * Calls `onEvents` with the events of these types (by default, the user events) appended from now
 * on (by anyone), in batches at most every `batchMs`. EventSource reconnects by itself and resumes
 * from the last event id it saw.
 */
export function useLiveEvents(
  onEvents: (events: LiveEvent[]) => void,
  { enabled = true, batchMs = 250, types }: { enabled?: boolean; batchMs?: number; types?: readonly string[] } = {},
) {
  const callback = useRef(onEvents);
  useEffect(() => {
    callback.current = onEvents;
  }, [onEvents]);

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/events/stream?from=now");
    let pending: LiveEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const receive = (message: MessageEvent<string>) => {
      pending.push(JSON.parse(message.data) as LiveEvent);
      timer ??= setTimeout(() => {
        const batch = pending;
        pending = [];
        timer = undefined;
        callback.current(batch);
      }, batchMs);
    };
    for (const type of types ?? userEventTypes) source.addEventListener(type, receive);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [enabled, batchMs, types]);
}
