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
});
