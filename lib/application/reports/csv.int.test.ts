// One rule for CSV cells, in TypeScript and in SQL: both write every case the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../../testing/databases";
import { csvCell, csvCellSql } from "./csv";

/** Each value, and the cell it must become. */
const cases: [string, string][] = [
  ["=2+2", "'=2+2"],
  ["-2+3", "'-2+3"],
  ["+1", "'+1"],
  ["@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"],
  ['=HYPERLINK("http://x.example","y")', `"'=HYPERLINK(""http://x.example"",""y"")"`],
  ["\t=2+2", "'\t=2+2"],
  ["\r=2+2", `"'\r=2+2"`],
  ["-", "'-"],
  ["Ada Lovelace", "Ada Lovelace"],
  ["Ada = 2 + 2", "Ada = 2 + 2"],
  ['Doe, "Jr." 😀', `"Doe, ""Jr."" 😀"`],
  ["Zoë\nNewline", `"Zoë\nNewline"`],
  ["'quoted already", "'quoted already"],
  ["", ""],
];

describe("a CSV cell", () => {
  it.each(cases)("%j becomes %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("writes numbers as they are", () => {
    expect(csvCell(42)).toBe("42");
  });
});

describe.each(testBackends())("a CSV cell formatted by the database on $name", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await backend.open({ migrated: false });
  });
  afterAll(() => database.close());

  it("is the same as the TypeScript rule writes it, for every case", async () => {
    for (const [value] of cases) {
      const [row] = await database.query<{ cell: string }>(`SELECT ${csvCellSql("$1::text")} AS cell`, [value]);
      expect(row!.cell, JSON.stringify(value)).toBe(csvCell(value));
    }
  });
});
