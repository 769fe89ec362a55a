// The timeline is the audit trail of one user: who changed what, when, why, in which request.
import { expect, test } from "./fixtures";
import { adminEmail } from "./credentials";

test("a change made with a reason shows who made it and why in the timeline, and in the audit API", async ({
  page,
  api,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const user = await (
    await api.post("/api/users", {
      data: { name: `Audit ${tag}`, email: `audit-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await page.goto(`/users/${user.id}`);
  await page.locator("[data-interactive]").waitFor();
  const commands = page.getByRole("region", { name: "Change this user" });
  await commands.getByLabel("Why (optional, kept in the audit trail)").fill(`ticket ${tag}`);
  await commands.getByLabel("Name").fill(`Audited ${tag}`);
  await commands.getByRole("button", { name: "Rename" }).click();
  await commands.getByRole("button", { name: "Record" }).click();
  await expect(commands.getByRole("status")).toHaveText("Renamed.");

  const timeline = page.getByRole("list").filter({ has: page.getByTestId("audit") });
  const entry = timeline.getByRole("listitem").filter({ hasText: "Renamed" });
  await expect(entry.getByTestId("audit")).toContainText(`by admin:${adminEmail} — “ticket ${tag}”`);
  await expect(entry.getByTestId("audit")).toContainText(/correlation [0-9a-f]{8}/);
  await expect(timeline.getByRole("listitem").filter({ hasText: "Registered" }).getByTestId("audit")).toContainText(
    /by token:e2e service#/,
  );
  await page.screenshot({ path: "e2e/screenshots/audit-timeline.png" });

  // A deactivation says what kind it is, and the timeline shows it.
  await commands.getByLabel("Kind of deactivation").selectOption("policy");
  await commands.getByLabel("Reason for deactivation").fill("spam");
  await commands.getByRole("button", { name: "Deactivate" }).click();
  await commands.getByRole("button", { name: "Record" }).click();
  await expect(commands.getByRole("status")).toHaveText("Deactivated.");
  await expect(timeline.getByRole("listitem").filter({ hasText: "Deactivated (policy)" })).toContainText("spam");

  const trail = await (await api.get(`/api/audit?actor=${encodeURIComponent(`admin:${adminEmail}`)}&limit=5`)).json();
  expect(trail.items[0]).toMatchObject({ type: "user.deactivated", data: { reason: "spam", category: "policy" } });
  expect(trail.items[1]).toMatchObject({
    type: "user.renamed",
    streamId: `user-${user.id}`,
    metadata: { reason: `ticket ${tag}` },
  });
  // The whole id, as the server's log has it: a shortened one cannot be searched for.
  await expect(entry.getByTestId("audit")).toContainText(`correlation ${trail.items[1].metadata.correlationId}`);
});
