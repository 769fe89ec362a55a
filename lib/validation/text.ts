// The one schema for text the API takes: a string of at most `max` characters that obeys the text
// rule (lib/domain/text.ts), composed to NFC. Bodies, query filters and the dashboard's forms all
// parse with it, so no control character or lone surrogate reaches PostgreSQL from any of them.
import { z } from "zod";
import { composed, textProblem, type TextRule } from "../domain/text";

export function text(field: string, { max, ...rule }: { max: number } & TextRule) {
  return z
    .string({ error: `${field} must be a string` })
    .max(max, `${field} must be at most ${max} characters`)
    .superRefine((value, context) => {
      const problem = textProblem(value, rule);
      if (problem) context.addIssue({ code: "custom", message: `${field} ${problem}` });
    })
    .transform(composed);
}
