import { authorizedRequest } from "@/lib/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { testBackends } from "@/lib/testing/databases";
import { nameChangesProjection } from "@/lib/application/users/name-changes-projection";
import { GET } from "./route";
import { POST } from "./[name]/rebuild/route";

const call = async (
  handler: typeof GET | typeof POST,
  method: string,
  path: string,
  params: Record<string, string> = {},
) => {
  const response = await handler(await authorizedRequest(`http://rewind.test${path}`, { method }), {
    params: Promise.resolve(params),
  } as never);
  return { status: response.status, body: await response.json() };
};

describe.each(testBackends())("projections API on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("lists each projection with its checkpoint and lag, and rebuilds one in the background", async () => {
    const listed = await call(GET, "GET", "/api/projections");
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        name: "name_changes",
        version: nameChangesProjection.version,
        position: 0,
        lagEvents: 0,
        lagSeconds: 0,
        state: "up to date",
        rebuild: null,
      }),
      expect.objectContaining({
        name: "activity_daily",
        version: 1,
        position: 0,
        lagEvents: 0,
        state: "up to date",
        rebuild: null,
      }),
      expect.objectContaining({
        name: "cohorts",
        version: 1,
        position: 0,
        lagEvents: 0,
        state: "up to date",
        rebuild: null,
      }),
    ]);

    const accepted = await call(POST, "POST", "/api/projections/name_changes/rebuild", { name: "name_changes" });
    expect(accepted.status).toBe(202);
    for (let tries = 0; tries < 100; tries++) {
      const { body } = await call(GET, "GET", "/api/projections");
      if (body.items[0].rebuild === null) break;
      await new Promise((done) => setTimeout(done, 25));
    }
    expect((await call(GET, "GET", "/api/projections")).body.items[0]).toMatchObject({
      rebuild: null,
      lastError: null,
    });

    const unknown = await call(POST, "POST", "/api/projections/nope/rebuild", { name: "nope" });
    expect(unknown.status).toBe(404);
  });
});
