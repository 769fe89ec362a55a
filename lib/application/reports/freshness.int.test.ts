// A report's freshness reads its own projection's checkpoint and lag only: another projection far
// behind (a saved report catching up over a million events) must not make every report wait for a
// count of the events it has still to read.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDatabase, provideDatabase } from "../../db";
import { api, newUserInput } from "../../testing/api";
import { testBackends } from "../../testing/databases";
import { catchUp } from "../../testing/projections";
import { getServices } from "../services";
import { nameChangesProjection } from "../users/name-changes-projection";
import { reportFreshness } from "./freshness";

describe.each(testBackends())("report freshness on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("counts the lag of the report's projection only", async () => {
    const user = (await api.post("/api/users", newUserInput())).body as { id: string };
    expect((await api.post(`/api/users/${user.id}/rename`, { name: "Fresh Name" })).status).toBe(200);
    const { database, store } = await getServices();
    await catchUp(database, store, nameChangesProjection);
    const counted = vi.spyOn(store, "countAfter");
    try {
      expect(await reportFreshness("name_changes")).toMatchObject({ state: "up to date", lagEvents: 0 });
      // Every other projection (activity, cohorts) is behind here: none of them was counted.
      expect(counted).toHaveBeenCalledTimes(1);
    } finally {
      counted.mockRestore();
    }
  });
});
