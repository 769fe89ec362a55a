// The audit page: what an admin or a token did in a period — sign-ins and token changes included —
// with a CSV of it whose cells never run as formulas.
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { adminEmail } from "./credentials";
import { expect, test } from "./fixtures";

/** A change as the signed-in admin's browser makes it: session cookie and CSRF token. */
async function asAdmin(page: Page, path: string, data: unknown) {
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === "rewind_csrf")!.value;
  const response = await page.request.post(path, {
    data,
    headers: { "x-csrf-token": csrf, origin: new URL(page.url()).origin },
  });
  expect(response.ok(), `${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return response.json();
}

test("lists an admin's actions by actor and period, sign-ins and token changes included, and downloads them as CSV", async ({
  page,
  api,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await page.goto("/");
  const startedAt = new Date(Date.now() - 60_000);
  const user = await (
    await api.post("/api/users", {
      data: { name: `Audited ${tag}`, email: `audited-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await asAdmin(page, `/api/users/${user.id}/rename`, { name: `Renamed ${tag}`, reason: "=HYPERLINK(1)" });
  await asAdmin(page, "/api/tokens", { name: `audited ${tag}`, scopes: ["read"] });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  const filters = page.getByRole("search", { name: "Filters" });
  await filters.getByLabel("Actor").fill(`admin:${adminEmail}`);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?actor=${encodeURIComponent(`admin:${adminEmail}`)}`));
  const entries = page.getByRole("list", { name: "Audit entries, newest first" }).locator(":scope > li");
  await expect(entries.first()).toContainText("admin.api_token_created");
  await expect(entries.nth(1)).toContainText(`user.renamed`);
  // The sign-in of the e2e setup is in the trail too.
  await expect(entries.filter({ hasText: "admin.signed_in" }).first()).toBeVisible();
  // The API token's registration is someone else's action.
  await expect(entries.filter({ hasText: "user.registered" }).filter({ hasText: user.id })).toHaveCount(0);

  // A period that ends before this test began holds none of it.
  await filters.getByLabel("Until").fill(toLocal(startedAt));
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/to=/);
  await expect(entries.filter({ hasText: user.id })).toHaveCount(0);
  await page.goBack();
  await expect(entries.first()).toContainText("admin.api_token_created");
  await page.screenshot({ path: "e2e/screenshots/audit-page.png" });

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), "utf8")
    .replace(/^\uFEFF/, "")
    .split("\r\n");
  expect(lines[0]).toBe("recorded_at,actor,type,stream,version,position,reason,correlation_id,data");
  expect(lines[1]).toContain(`,admin:${adminEmail},admin.api_token_created,`);
  const rename = lines.find((line) => line.includes("user.renamed") && line.includes(user.id))!;
  expect(rename).toContain(",'=HYPERLINK(1),");
  expect(lines.some((line) => line.includes("admin.signed_in"))).toBe(true);
  // Every entry (after the header) is the admin's.
  expect(lines.slice(1).every((line) => line === "" || line.includes(`admin:${adminEmail}`))).toBe(true);
});

test("fits a 390 px phone without scrolling sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/audit?actor=${encodeURIComponent(`admin:${adminEmail}`)}`);
  await page.getByRole("list", { name: "Audit entries, newest first" }).waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "e2e/screenshots/audit-page-phone.png", fullPage: true });
});

function toLocal(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
