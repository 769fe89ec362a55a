// The rules a user's fields obey; decide applies them.
import type { FieldProblem } from "../../errors";
import { composed, textProblem, type TextRule } from "../text";
import { UserValidationFailed } from "./errors";

export const nameMaxLength = 100;
export const passwordMinLength = 8;
export const passwordMaxLength = 1024;
export const reasonMaxLength = 500;
const emailMaxLength = 254;

// Deliberately plain: one @, no spaces, a dot in the domain. Whether a mailbox exists is not ours to know.
const emailPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

type Check = { value: string; problem?: FieldProblem };

/** The text rule every stored string obeys (no control characters or lone surrogates), then NFC. */
function composedText(field: string, raw: string, path: string, rule?: TextRule): Check {
  const problem = textProblem(raw, rule);
  return problem ? { value: raw, problem: { path, message: `${field} ${problem}` } } : { value: composed(raw) };
}

export function normaliseName(name: string, path = "name"): Check {
  const text = composedText("Name", name.trim(), path);
  if (text.problem) return text;
  const value = text.value;
  if (value.length === 0) return { value, problem: { path, message: "Name must not be empty" } };
  if ([...value].length > nameMaxLength) {
    return { value, problem: { path, message: `Name must be at most ${nameMaxLength} characters` } };
  }
  return { value };
}

export function normaliseEmail(email: string, path = "email"): Check {
  const text = composedText("Email", email.trim().toLowerCase(), path);
  if (text.problem) return text;
  const value = text.value;
  if (value.length > emailMaxLength || !emailPattern.test(value)) {
    return { value, problem: { path, message: "Email must be a valid address like name@example.com" } };
  }
  return { value };
}

export function checkPasswordRule(password: string, path = "password"): Check {
  // Hashed as UTF-8, where a lone surrogate turns into U+FFFD: two passwords would hash alike.
  const problem = textProblem(password, { controls: "any" });
  if (problem) return { value: password, problem: { path, message: `Password ${problem}` } };
  if ([...password].length < passwordMinLength) {
    return { value: password, problem: { path, message: `Password must be at least ${passwordMinLength} characters` } };
  }
  if (password.length > passwordMaxLength) {
    return { value: password, problem: { path, message: `Password must be at most ${passwordMaxLength} characters` } };
  }
  return { value: password };
}

export function normaliseReason(reason: string, path = "reason"): Check {
  const text = composedText("Reason", reason.trim(), path, { controls: "line breaks" });
  if (text.problem) return text;
  const value = text.value;
  if (value.length === 0) return { value, problem: { path, message: "Reason must not be empty" } };
  if ([...value].length > reasonMaxLength) {
    return { value, problem: { path, message: `Reason must be at most ${reasonMaxLength} characters` } };
  }
  return { value };
}

/** Throws one UserValidationFailed listing every problem, or returns the normalised values. */
export function valuesOrThrow<const T extends readonly Check[]>(...checks: T): { [K in keyof T]: string } {
  const problems = checks.flatMap((check) => (check.problem ? [check.problem] : []));
  if (problems.length > 0) throw new UserValidationFailed(problems);
  return checks.map((check) => check.value) as { [K in keyof T]: string };
}
