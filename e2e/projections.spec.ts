// The admin watches the projections and rebuilds one.
import { expect, test } from "./fixtures";

test("the projections page shows checkpoint and lag, and a rebuild runs to completion", async ({ page }) => {
  await page.goto("/admin/projections");
  const row = page.locator('tr[data-projection="name_changes"]');
  await expect(row).toContainText("up to date", { timeout: 10_000 });
  await expect(row.getByTestId("lag")).toHaveText("0 events · 0 s");

  // The row said "up to date" before the click too: what proves a rebuild ran is the server taking
  // it on (202: it has claimed the checkpoint), then the row coming back to a Rebuild button.
  const started = page.waitForResponse(
    (response) =>
      response.request().method() === "POST" && response.url().endsWith("/api/projections/name_changes/rebuild"),
  );
  await row.getByRole("button", { name: "Rebuild name_changes" }).click();
  const answer = await started;
  expect(answer.status()).toBe(202);
  expect(await answer.json()).toEqual({ name: "name_changes", status: "rebuilding" });
  // The rebuild of a small demo log may finish between two polls: either way it ends up to date.
  await expect(row).toContainText(/rebuilding|up to date/);
  await expect(row.getByRole("button", { name: "Rebuild name_changes" })).toBeVisible({ timeout: 15_000 });
  await expect(row).toContainText("up to date");
  await page.screenshot({ path: "e2e/screenshots/projections.png", fullPage: true });
});
