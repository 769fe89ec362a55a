import { expect, test } from "@playwright/test";

test("the home page shows the event log on the embedded database", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });

  await page.goto("/");

  await expect(page.getByRole("heading", { name: "Event log" })).toBeVisible();
  await expect(page.getByText("Events recorded")).toBeVisible();
  await expect(page.getByText("Embedded PGlite")).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/home.png", fullPage: true });
  expect(consoleErrors).toEqual([]);
});
