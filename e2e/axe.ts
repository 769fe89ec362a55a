// axe-core's WCAG 2 A/AA rules, as every browser test that checks a page runs them.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** The serious and critical violations on the page as it is now, one line each (with where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .options({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      // Experimental in axe 4.14, so off unless named: a button named other than its visible words.
      rules: { "label-content-name-mismatch": { enabled: true } },
    })
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id} (${violation.nodes.length} nodes): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => `${node.target.join(" ")} ${node.failureSummary?.split("\n").slice(1).join(" ") ?? ""}`)
          .join(" | ")}`,
    );
}
