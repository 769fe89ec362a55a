// Shapes of what sign-in and the API-token routes accept, shared with the dashboard's forms.
import { z } from "zod";
import { apiScopes } from "../domain/access/scopes";

export const signInBody = z.strictObject({
  email: z.string({ error: "Email must be a string" }).trim().min(1, "Enter your email").max(320, "Email must be at most 320 characters"),
  password: z
    .string({ error: "Password must be a string" })
    .min(1, "Enter your password")
    .max(1024, "Password must be at most 1024 characters"),
});

export const createApiTokenBody = z.strictObject({
  name: z
    .string({ error: "Name must be a string" })
    .trim()
    .min(1, "Name the token after the service that will use it")
    .max(100, "Name must be at most 100 characters")
    .regex(/^[\p{L}\p{N} ._-]+$/u, "Use letters, digits, spaces, dots, dashes and underscores"),
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
