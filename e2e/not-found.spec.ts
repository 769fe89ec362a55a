// Pages that name nothing answer 404 — not a 200 carrying a not-found page, which a crawler or a
// monitor takes for a page that exists — and page queries that the API refuses never break a page.
import { expect, test } from "./fixtures";

for (const [what, path] of [
  ["an id that is not a UUID", "/users/not-a-uuid"],
  ["a UUID of no user", "/users/6f1c1c2e-8d6e-4b8e-9a43-2f5f0f6d1c11"],
  ["a UUID in upper case", "/users/6F1C1C2E-8D6E-4B8E-9A43-2F5F0F6D1C11"],
] as const) {
  test(`a user page for ${what} answers 404 with "No such user"`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "No such user" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the users" })).toBeVisible();
  });
}

test("a user that exists still opens with 200", async ({ page, api }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  const created = await api.post("/api/users", {
    data: { name: `Found ${tag}`, email: `found-${tag}@example.com`, password: "long password" },
  });
  expect(created.status()).toBe(201);
  const response = await page.goto(`/users/${(await created.json()).id}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: `Found ${tag}` })).toBeVisible();
});

for (const query of ["?q=%00", "?q=%C2%85", "?at=0000-01-01T00:00:00Z", "?at=-271821-04-20T00:00:00.000Z"]) {
  test(`the users list with ${query} opens (the filter it cannot take is ignored)`, async ({ page }) => {
    const response = await page.goto(`/${query}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  });
}
