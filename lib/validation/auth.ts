// Shapes of what sign-in and the API-token routes accept, shared with the dashboard's forms.
import { z } from "zod";

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
});

export const apiTokenIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
