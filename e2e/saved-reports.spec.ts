// A product owner asks a new question without waiting for a release: "deactivations per month by
// category", declared on /reports, computed over the whole history, downloaded as CSV.
import { expect, test } from "./fixtures";
import { defineDeactivationsByCategory } from "./saved-report-form";

test("a product owner defines deactivations per month by category, watches it catch up, and downloads its CSV", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  const name = `Deactivations per month by category ${Date.now().toString(36)}`;

  await page.goto("/reports?from=2020-01-01");
  const form = await defineDeactivationsByCategory(page, name);
  // A personal field is offered only as changed or not.
  await form.getByRole("combobox", { name: /^Only events whose/ }).selectOption("data.reason");
  await expect(form.getByRole("combobox", { name: /^Test/ }).getByRole("option")).toHaveText([
    "changed",
    "did not change",
  ]);
  await form.getByRole("combobox", { name: /^Only events whose/ }).selectOption("");
  // A preview (a dry run) says what saving would record, and saves nothing.
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = form.getByRole("status", { name: "What saving would record" });
  await expect(preview).toContainText("report.defined");
  await expect(preview).toContainText("Nothing is saved yet");
  await expect(page.getByRole("region", { name })).toHaveCount(0);
  await form.getByRole("button", { name: "Save report" }).click();

  const report = page.getByRole("region", { name });
  await expect(report).toBeVisible();
  await expect(report.getByText("events of user.deactivated per month, by deactivation category")).toBeVisible();
  const freshness = report.locator("[data-testid^='freshness-saved_report_']");
  await expect(freshness).toContainText(/Catching up|Up to date/);
  await expect(freshness).toContainText("Up to date", { timeout: 30_000 });
  await expect(report.getByRole("img", { name: new RegExp(`${name}: \\d+ periods, [1-9]\\d* groups`) })).toBeVisible();
  await expect(report.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await report.getByText("Table").click();
  await expect(report.getByRole("columnheader", { name: "requested" })).toBeVisible();
  await report.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "e2e/screenshots/saved-report.png", fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    report.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const lines = Buffer.concat(await (await download.createReadStream()).toArray())
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("start,group,value");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1))
    expect(line).toMatch(/^\d{4}-\d{2}-01,(requested|policy|inactivity|other|unspecified),[1-9]\d*$/);

  // It is a projection like the others.
  await page.goto("/admin/projections");
  await expect(page.locator("tr[data-projection^='saved_report_']").first()).toBeVisible();

  await page.goto("/reports");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("region", { name }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("region", { name })).toHaveCount(0);
  expect(errors).toEqual([]);
});
