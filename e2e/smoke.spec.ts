import { expect, test } from "./fixtures";

test("the users list opens on the embedded database with demo users", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });

  await page.goto("/");

  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expect(page.getByRole("table").getByRole("caption")).toHaveText(/\d+ users/);
  await expect(page.getByRole("table").getByRole("row")).not.toHaveCount(1);
  expect(consoleErrors).toEqual([]);
  // Browsers ask for /favicon.ico now and then whatever the page declares: it must not be a 404.
  const favicon = await page.request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/^image\/svg\+xml/);
});
