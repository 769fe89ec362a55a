// What any text Rewind keeps or searches with may contain (names, emails, reasons, token names,
// filters): Unicode scalar values only, no control characters, composed (NFC). PostgreSQL refuses
// NUL in text and in jsonb, and a lone surrogate cannot be encoded in UTF-8: it would be stored as
// U+FFFD, so two different inputs could become one value. Pure: shared by the server, the browser's
// forms and the demo data (decision record 014).

// With the u flag a well-formed pair is one code point; only an unpaired half is \p{Surrogate}.
const loneSurrogate = /\p{Surrogate}/u;
// C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F).
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// The same, but tab, line feed and carriage return, which prose such as a reason may hold.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const controlCharacterButLineBreaks = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export interface TextRule {
  /**
   * Which control characters may appear: none (names, emails, filters: the default), tab and line
   * breaks (prose such as a reason), or any (a password, which is only ever hashed).
   */
  controls?: "none" | "line breaks" | "any";
}

const refusedControls = { none: controlCharacter, "line breaks": controlCharacterButLineBreaks, any: undefined };

/** Why `value` is not acceptable text ("must not contain …"), or undefined when it is. */
export function textProblem(value: string, { controls = "none" }: TextRule = {}): string | undefined {
  if (loneSurrogate.test(value)) return "must not contain a lone surrogate (half of a UTF-16 pair)";
  if (refusedControls[controls]?.test(value)) return "must not contain control characters";
  return undefined;
}

/** Canonical composition: "e" + U+0301 and "é" are the same text, so they are stored the same way. */
export const composed = (value: string): string => value.normalize("NFC");
