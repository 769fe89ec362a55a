// What the fault tests tried and what held, printed at the end of each test and collected in
// test-results/faults-figures.json for docs/RELIABILITY.md.
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

const file = path.join(process.cwd(), "test-results", "faults-figures.ndjson");

export const figures = {
  record(what: string, numbers: Record<string, number>): void {
    const line = { what, ...numbers, at: new Date().toISOString() };
    console.log(
      `[figures] ${what}: ${Object.entries(numbers)
        .map(([key, value]) => `${key} ${value}`)
        .join(", ")}`,
    );
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  },
};
