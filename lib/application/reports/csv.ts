// How Rewind writes a CSV cell — in TypeScript and, for exports the database formats, in SQL: one
// rule, stated once here and tested against both (csv.int.test.ts).
//
// Spreadsheets run a cell that begins with = + - @ (and, after they trim it, a tab or carriage
// return) as a formula: a user's name such as =HYPERLINK(…) must not. Such a cell is prefixed
// with a single quote, which spreadsheets read as "text follows" (OWASP, CSV injection).

/** The first characters that make a spreadsheet read a cell as a formula. */
export const formulaTriggers = ["=", "+", "-", "@", "\t", "\r"] as const;

const triggerCodes = formulaTriggers.map((character) => character.codePointAt(0)!);

/** One CSV cell: neutralised when it could run as a formula, then quoted as RFC 4180 wants when it holds a quote, comma or line break. */
export function csvCell(value: string | number): string {
  const text = String(value);
  const neutral = triggerCodes.includes(text.codePointAt(0) ?? -1) ? `'${text}` : text;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replaceAll('"', '""')}"` : neutral;
}

/** One CSV line (CRLF-terminated) of these cells. */
export const csvLine = (cells: (string | number)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** The same as csvCell, as a SQL expression over the text expression `sql` (evaluated more than once: keep it cheap). */
export function csvCellSql(sql: string): string {
  const neutral = `CASE WHEN ascii(${sql}) IN (${triggerCodes.join(", ")}) THEN '''' || ${sql} ELSE ${sql} END`;
  // The bracket holds a real carriage return and line feed (this is a template literal).
  return `CASE WHEN ${sql} ~ '[",\r\n]' THEN '"' || replace(${neutral}, '"', '""') || '"' ELSE ${neutral} END`;
}
