// A client that hangs up halfway through its body is its own doing: the log says "request aborted",
// not "database unavailable" (which pages an operator), and nothing is recorded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { authorizedRequest } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { logger, useLogger } from "@/lib/observability/logger";
import { captureLog } from "@/lib/testing/captured-log";
import { POST as registerUser } from "@/app/api/users/route";

/** What Node's HTTP server hands a body reader when the socket closes before the body is whole. */
const hungUp = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" });

/** A body that sends its first bytes, then fails as a closed connection does. */
function bodyCutOff(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"name":"Half'));
      } else controller.error(hungUp());
    },
  });
}

describe.each(testBackends())("a request aborted while sending its body, on $name", (backend) => {
  const silent = logger();
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());
  afterEach(() => useLogger(silent));

  it("is logged as aborted by the client, answered 400 problem+json, and records nothing", async () => {
    const lines = captureLog().lines;
    const count = async () =>
      (await (await getDatabase()).query<{ n: number }>("SELECT count(*)::int AS n FROM events"))[0]!.n;
    const before = await count();
    const request = await authorizedRequest("http://rewind.test/api/users", {
      method: "POST",
      headers: { "content-type": "application/json", "x-correlation-id": "aborted-upload-1" },
      body: bodyCutOff(),
      duplex: "half",
    } as RequestInit);

    const response = await registerUser(request, { params: Promise.resolve({}) });

    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      type: "https://rewind.dev/problems/request-aborted",
      correlationId: "aborted-upload-1",
    });
    const logged = lines().filter((line) => line.correlationId === "aborted-upload-1");
    expect(logged.map((line) => line.msg)).toEqual(["request aborted by the client", "request"]);
    expect(logged[0]).toMatchObject({ level: "info", reason: "Error: aborted" });
    expect(logged[1]).toMatchObject({ route: "/api/users", method: "POST", status: 400 });
    expect(lines().some((line) => line.msg === "database unavailable")).toBe(false);
    expect(await count()).toBe(before);
  });
});
