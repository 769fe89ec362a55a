import { describe, expect, it } from "vitest";
import { InvalidEventStoreArgument } from "./errors";
import { shiftParameters, withInlineStatements } from "./sql";

describe("shiftParameters", () => {
  it("renumbers every parameter after the ones before it", () => {
    expect(shiftParameters("SELECT $1::uuid, $2, $10 FROM appended WHERE x = $1", 9, 10)).toBe(
      "SELECT $10::uuid, $11, $19 FROM appended WHERE x = $10",
    );
  });

  it("leaves a $ alone inside strings, quoted identifiers, comments, dollar-quoted bodies and identifiers", () => {
    const text = `SELECT '$1', 'it''s $2', E'\\'$1', "col$1", a$1, $$ $1 $$, $body$ $2 $body$ -- $1
      /* $1 /* nested $2 */ $1 */ FROM t WHERE y = $1`;
    expect(shiftParameters(text, 5, 1)).toBe(text.replace(/\$1$/, "$6"));
  });

  it("refuses a parameter the statement has no value for", () => {
    expect(() => shiftParameters("SELECT $3", 9, 2)).toThrow(InvalidEventStoreArgument);
    expect(() => shiftParameters("SELECT $0", 9, 2)).toThrow(InvalidEventStoreArgument);
  });
});

describe("withInlineStatements", () => {
  it("makes the append a CTE and each inline statement a CTE after it, their values in order", () => {
    const append = {
      name: "append",
      text: "INSERT INTO events SELECT $1, $2 RETURNING version, position, recorded_at",
      values: ["s", 1],
    };
    const statement = withInlineStatements(append, [
      { name: "first", text: "INSERT INTO a SELECT $1 FROM appended", values: ["a"] },
      { name: "second", text: "INSERT INTO b SELECT $2, $1 FROM appended", values: ["b1", "b2"] },
    ]);
    expect(statement).toEqual({
      name: "append+first+second",
      text:
        "WITH appended AS (INSERT INTO events SELECT $1, $2 RETURNING version, position, recorded_at), " +
        "inline_projection AS (INSERT INTO a SELECT $3 FROM appended), inline_projection_2 AS (INSERT INTO b SELECT $5, $4 FROM appended) " +
        "SELECT version, position, recorded_at FROM appended",
      values: ["s", 1, "a", "b1", "b2"],
    });
  });

  it("shifts one inline text right wherever it comes, however often it was composed before", () => {
    const inline = { name: "kept", text: "INSERT INTO a SELECT $1, $2 FROM appended", values: ["x", "y"] };
    const after = (appendValues: number) =>
      withInlineStatements(
        { name: "append", text: "INSERT …", values: Array.from({ length: appendValues }, (_, n) => n) },
        [inline],
      ).text;
    for (const round of [1, 2])
      expect([after(2), after(9), after(2)], `round ${round}`).toEqual([
        expect.stringContaining("INSERT INTO a SELECT $3, $4 FROM appended"),
        expect.stringContaining("INSERT INTO a SELECT $10, $11 FROM appended"),
        expect.stringContaining("INSERT INTO a SELECT $3, $4 FROM appended"),
      ]);
    // The same text with another number of values is another shift (or, as here, refused).
    expect(() =>
      withInlineStatements({ name: "append", text: "INSERT …", values: [1, 2] }, [{ ...inline, values: ["x"] }]),
    ).toThrow(/\$2 names no parameter/);
  });

  it("leaves an append without inline statements as it is, and prepares nothing when one has no name", () => {
    const append = { name: "append", text: "INSERT …", values: [] };
    expect(withInlineStatements(append, [])).toBe(append);
    expect(withInlineStatements(append, [{ text: "INSERT INTO a SELECT 1 FROM appended" }]).name).toBeUndefined();
  });
});
