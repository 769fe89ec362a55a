// A change is previewed before it is recorded (decision 026): the form asks for a dry run, the admin
// sees the user before → after, and only "Record" records it; "Cancel" records nothing.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function openUserPage(page: Page, id: string) {
  await page.goto(`/users/${id}`);
  await page.locator("[data-interactive]").waitFor();
}

test("rename with a preview: before → after, recorded only once confirmed; cancelled, nothing is recorded", async ({
  page,
  api,
}) => {
  const tag = unique();
  const created = await (
    await api.post("/api/users", {
      data: { name: `Before ${tag}`, email: `preview-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  const eventsOf = async () => (await (await api.get(`/api/users/${created.id}/events`)).json()).items.length;
  await openUserPage(page, created.id);
  const commands = page.getByRole("region", { name: "Change this user" });

  // Cancelled: the preview goes away and the log is as it was.
  await commands.getByLabel("Name").fill(`Cancelled ${tag}`);
  await commands.getByRole("button", { name: "Rename" }).click();
  const preview = commands.getByRole("region", { name: "Preview: Rename" });
  await expect(preview).toBeVisible();
  await expect(preview.getByRole("row", { name: /Name/ })).toContainText(`Before ${tag}`);
  await expect(preview.getByRole("row", { name: /Name/ })).toContainText(`Cancelled ${tag}`);
  await preview.getByRole("button", { name: "Cancel" }).click();
  await expect(preview).toHaveCount(0);
  expect(await eventsOf()).toBe(1);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Before ${tag}`);

  // Previewed, then confirmed: recorded.
  await commands.getByLabel("Name").fill(`After ${tag}`);
  await commands.getByRole("button", { name: "Rename" }).click();
  await expect(preview).toBeVisible();
  await expect(preview).toContainText("Would record user.renamed");
  const nameRow = preview.getByRole("row", { name: /Name \(changes\)/ });
  await expect(nameRow.getByRole("cell").first()).toHaveText(`Before ${tag}`);
  await expect(nameRow.getByRole("cell").last()).toHaveText(`After ${tag}`);
  await expect(preview.getByRole("row", { name: /Version \(changes\)/ })).toContainText("2");
  // Nothing is recorded while the admin looks at the preview.
  expect(await eventsOf()).toBe(1);
  await page.screenshot({ path: "e2e/screenshots/command-preview.png", fullPage: true });

  await preview.getByRole("button", { name: "Record" }).click();
  await expect(commands.getByRole("status")).toHaveText("Renamed.");
  await expect(preview).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`After ${tag}`);
  expect(await eventsOf()).toBe(2);
  await page.screenshot({ path: "e2e/screenshots/command-preview-recorded.png", fullPage: true });
});
