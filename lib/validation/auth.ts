// Shapes of what sign-in and the API-token routes accept, shared with the dashboard's forms.
import { z } from "zod";
import { apiScopes } from "../domain/access/scopes";
import { text } from "./text";

export const signInBody = z.strictObject({
  email: text("Email", { max: 320 })
    .transform((value) => value.trim())
    .pipe(z.string().min(1, "Enter your email")),
  password: text("Password", { max: 1024, controls: "any" }).pipe(z.string().min(1, "Enter your password")),
});

export const createApiTokenBody = z.strictObject({
  name: text("Name", { max: 1000 })
    .transform((value) => value.trim())
    .pipe(
      z
        .string()
        .min(1, "Name the token after the service that will use it")
        .max(100, "Name must be at most 100 characters")
        .regex(/^[\p{L}\p{M}\p{N} ._-]+$/u, "Use letters, digits, spaces, dots, dashes and underscores"),
    ),
  scopes: z
    .array(z.enum(apiScopes, { error: `Each scope must be one of ${apiScopes.join(", ")}` }), {
      error: `Scopes must be a list of ${apiScopes.join(", ")}`,
    })
    .min(1, "Choose at least one scope")
    .max(apiScopes.length * 2, "Name each scope once")
    .refine((scopes) => new Set(scopes).size === scopes.length, "Name each scope once")
    .meta({
      description:
        "What the token may do: read (queries, the feed and stream, reports, metrics), write (commands), erase (forget a user), admin (projections, the audit trail, the token list)",
    }),
});

export const apiTokenIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
