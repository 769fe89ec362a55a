// The product owner's questions, answered in the browser.
import { expect, test } from "./fixtures";

test("the reports show who changed their name in the past six months, the activity chart, and a CSV with the same rows", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));

  await page.goto("/reports");
  const names = page.getByRole("region", { name: "Who changed their name" });
  await expect(names.getByText(/users renamed between/)).toBeVisible();
  await expect(names.getByTestId("freshness-name_changes")).toContainText("Up to date", { timeout: 15_000 });
  const total = Number(
    (await names.getByText(/users renamed between/).textContent())!.match(/^([\d,]+) users/)![1]!.replaceAll(",", ""),
  );
  expect(total).toBeGreaterThan(0);
  await expect(names.getByRole("row")).toHaveCount(Math.min(total, 25) + 1);

  const activity = page.getByRole("region", { name: "Activity over time" });
  await expect(activity.getByRole("img", { name: /Activity chart/ })).toBeVisible();
  await expect(activity.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/reports.png", fullPage: true });

  // Sorting by the number of renames puts the most renamed first.
  await Promise.all([
    page.waitForResponse(
      (response) => response.url().includes("/api/reports/name-changes?") && response.url().includes("sort=renames"),
    ),
    names.getByRole("button", { name: /^Renames/ }).click(),
  ]);
  await expect(page).toHaveURL(/sort=renames/);
  await expect(names.getByRole("columnheader", { name: /Renames/ })).toHaveAttribute("aria-sort", "descending");
  const firstCount = Number(await names.getByRole("row").nth(1).getByRole("cell").nth(1).textContent());
  const secondCount = Number(await names.getByRole("row").nth(2).getByRole("cell").nth(1).textContent());
  expect(firstCount).toBeGreaterThanOrEqual(secondCount);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    names.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("user_id,current_name,renames,first_rename_at,last_rename_at,names");
  expect(lines).toHaveLength(total + 1);

  // Renames placed by when they were recorded instead of when they took effect: in the URL, and said.
  await names.getByLabel("Renames placed by").selectOption("recorded");
  await expect(page).toHaveURL(/basis=recorded/);
  await expect(names.getByText(/by when they were recorded/)).toBeVisible();
  expect(errors).toEqual([]);
});
