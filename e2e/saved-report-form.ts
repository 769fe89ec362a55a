// Filling the dashboard's new-report form, as a person does.
import type { Page } from "@playwright/test";

/** Fills the new-report form with "deactivations per month by category" under `name`. */
export async function defineDeactivationsByCategory(page: Page, name: string) {
  await page.getByRole("button", { name: "New report" }).click();
  const form = page.getByRole("form", { name: "Save report" });
  await form.getByLabel("Report name", { exact: true }).fill(name);
  await form.getByRole("checkbox", { name: "user.deactivated" }).check();
  await form.getByRole("combobox", { name: /^Count/ }).selectOption("events");
  await form.getByRole("combobox", { name: /^Per/ }).selectOption("month");
  await form.getByRole("combobox", { name: /^Grouped by/ }).selectOption("data.category");
  return form;
}
