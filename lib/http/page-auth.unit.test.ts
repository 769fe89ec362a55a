// Each dashboard page reads data on the server, so each must check the session itself.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const dashboard = path.resolve(import.meta.dirname, "../../app/(dashboard)");
const pages = (readdirSync(dashboard, { recursive: true }) as string[]).filter((file) => file.endsWith("page.tsx"));

it("every dashboard page checks the session before it reads anything", () => {
  expect(pages.length).toBeGreaterThanOrEqual(5);
  for (const page of pages) {
    const source = readFileSync(path.join(dashboard, page), "utf8");
    const body = source.slice(source.indexOf("export default async function"));
    expect(body, page).toMatch(/^export default async function \w+\([^]*?\)[^{]*\{\n\s+await requireSignedIn\(\);/);
  }
});
