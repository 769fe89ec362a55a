// Reads the Server-Sent Events stream in-process, as a browser's EventSource would.
import { expect } from "vitest";
import { GET } from "@/app/api/events/stream/route";
import { authorizedRequest } from "./api";

export interface Message {
  id: string;
  event: string;
  data: { position: number; streamId: string; version: number; type: string };
}

/** Opens the stream and collects messages until `enough` says stop; then disconnects. */
export async function collect(
  headers: Record<string, string>,
  query: string,
  enough: (messages: Message[]) => boolean,
  timeoutMs = 20_000,
) {
  const abort = new AbortController();
  const response = await GET(
    await authorizedRequest(`http://rewind.test/api/events/stream${query}`, { headers, signal: abort.signal }),
    {
      params: Promise.resolve({}),
    },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: Message[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  while (!enough(messages)) {
    if (Date.now() > deadline) throw new Error(`timed out with ${messages.length} messages`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((line) => !line.startsWith(":") && line.includes(":"))
          .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trimStart()]),
      );
      if (fields.data)
        messages.push({
          id: fields.id ?? "",
          event: fields.event ?? "",
          data: JSON.parse(fields.data) as Message["data"],
        });
    }
  }
  abort.abort();
  await reader.cancel().catch(() => {});
  return messages;
}

export interface OpenStream {
  messages: Message[];
  /** Resolves with the time (Date.now()) the server ended the stream. */
  ended: Promise<number>;
  /** Resolves once a message satisfies `test` (rejects after `timeoutMs`). */
  received(test: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  close(): void;
}

/** Opens the stream with exactly these credentials (no test token added) and reads it in the background. */
export async function openStream(headers: Record<string, string>, query = "?from=now"): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await GET(
    new Request(`http://rewind.test/api/events/stream${query}`, { headers, signal: abort.signal }),
    {
      params: Promise.resolve({}),
    },
  );
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: Message[] = [];
  const waiting = new Set<() => void>();
  const ended = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return Date.now();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").find((line) => line.startsWith("data:"));
        const event = block.split("\n").find((line) => line.startsWith("event:"));
        const id = block.split("\n").find((line) => line.startsWith("id:"));
        if (data)
          messages.push({
            id: id?.slice(3).trim() ?? "",
            event: event?.slice(6).trim() ?? "",
            data: JSON.parse(data.slice(5)) as Message["data"],
          });
      }
      for (const wake of [...waiting]) wake();
    }
  })();
  return {
    messages,
    ended,
    async received(test, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such message within ${timeoutMs} ms (got ${messages.length})`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
          setTimeout(wake, 100);
        });
      }
    },
    close() {
      abort.abort();
      void reader.cancel().catch(() => {});
    },
  };
}
