// Two admins at once: what one changes, the other sees without reloading.
import { expect, test } from "./fixtures";

test("a rename in one browser appears in another without reload, on the user page and the list", async ({
  browser,
  api,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const created = await (
    await api.post("/api/users", {
      data: { name: `Live ${tag}`, email: `live-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();

  const watcherContext = await browser.newContext();
  const editorContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  const listWatcher = await watcherContext.newPage();
  const editor = await editorContext.newPage();
  try {
    await watcher.goto(`/users/${created.id}`);
    await watcher.locator("[data-interactive]").waitFor();
    await listWatcher.goto(`/?q=${tag}`);
    await expect(listWatcher.getByRole("link", { name: `Live ${tag}` })).toBeVisible();
    // Let both pages' event streams connect before the change is made.
    await watcher.waitForTimeout(500);

    await editor.goto(`/users/${created.id}`);
    await editor.locator("[data-interactive]").waitFor();
    const commands = editor.getByRole("region", { name: "Change this user" });
    await commands.getByLabel("Name").fill(`Live renamed ${tag}`);
    await commands.getByRole("button", { name: "Rename" }).click();
    await commands.getByRole("button", { name: "Record" }).click();
    await expect(commands.getByRole("status")).toHaveText("Renamed.");

    await expect(watcher.getByRole("heading", { level: 1 })).toHaveText(`Live renamed ${tag}`, { timeout: 5000 });
    await expect(watcher.getByRole("region", { name: /Event timeline/ }).getByRole("listitem")).toHaveCount(2);
    await expect(listWatcher.getByRole("link", { name: `Live renamed ${tag}` })).toBeVisible({ timeout: 5000 });
  } finally {
    await watcherContext.close();
    await editorContext.close();
  }
});
