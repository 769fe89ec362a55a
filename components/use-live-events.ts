"use client";

import { useEffect, useRef } from "react";
import { userEventTypes } from "@/lib/domain/users";

export interface LiveEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
}

/**
 * Calls `onEvents` with the user events appended from now on (by anyone), in batches at most every
 * `batchMs`. EventSource reconnects by itself and resumes from the last event id it saw.
 */
export function useLiveEvents(onEvents: (events: LiveEvent[]) => void, { enabled = true, batchMs = 250 } = {}) {
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
    for (const type of userEventTypes) source.addEventListener(type, receive);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [enabled, batchMs]);
}
