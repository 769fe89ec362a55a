// The HTTP API through the production server, as another service would use it.
import { expect, test } from "./fixtures";

test("a service registers, renames and time-travels a user over HTTP", async ({ api }) => {
  const email = `service-${Date.now()}@example.com`;
  const created = await api.post("/api/users", {
    data: { name: "Service User", email, password: "long enough secret" },
  });
  expect(created.status()).toBe(201);
  const user = await created.json();
  expect(created.headers()["location"]).toBe(`/api/users/${user.id}`);
  expect(created.headers()["etag"]).toBe('"1"');

  const renamed = await api.post(`/api/users/${user.id}/rename`, {
    data: { name: "Renamed User" },
    headers: { "if-match": '"1"' },
  });
  expect(renamed.status()).toBe(200);
  const stale = await api.post(`/api/users/${user.id}/rename`, {
    data: { name: "Too Late" },
    headers: { "if-match": '"1"' },
  });
  expect(stale.status()).toBe(412);
  expect(stale.headers()["content-type"]).toBe("application/problem+json");
  expect((await stale.json()).currentVersion).toBe(2);

  expect((await (await api.get(`/api/users/${user.id}?version=1`)).json()).name).toBe("Service User");
  const events = await (await api.get(`/api/users/${user.id}/events`)).json();
  expect(events.items.map((e: { type: string }) => e.type)).toEqual(["user.registered", "user.renamed"]);
  // The actor is the API token the request was made with.
  expect(events.items[0].metadata.actor).toMatch(/^token:e2e service#[0-9a-f]{8}$/);
});

test("bad requests get problem+json 4xx answers from the real server", async ({ api }) => {
  const problem = async (response: Awaited<ReturnType<typeof api.get>>, status: number) => {
    expect(response.status()).toBe(status);
    expect(response.headers()["content-type"]).toBe("application/problem+json");
  };
  await problem(await api.delete("/api/users"), 405);
  await problem(await api.get("/api/no-such-route"), 404);
  await problem(await api.get("/api/users/not-a-uuid"), 404);
  await problem(
    await api.post("/api/users", { data: "x".repeat(70_000), headers: { "content-type": "application/json" } }),
    413,
  );
  await problem(await api.post("/api/users", { data: "{oops", headers: { "content-type": "application/json" } }), 400);
  await problem(
    await api.post("/api/users", { data: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
    415,
  );
  await problem(await api.get("/api/users?limit=1000"), 400);
});
