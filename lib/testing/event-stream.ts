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
  const response = await GET(await authorizedRequest(`http://rewind.test/api/events/stream${query}`, { headers, signal: abort.signal }), {
    params: Promise.resolve({}),
  });
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
      if (fields.data) messages.push({ id: fields.id ?? "", event: fields.event ?? "", data: JSON.parse(fields.data) });
    }
  }
  abort.abort();
  await reader.cancel().catch(() => {});
  return messages;
}
