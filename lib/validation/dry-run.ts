// The query a command takes for a dry run: ?dryRun=true decides and records nothing; with version=
// or at= as well, it decides against the user as they were then ("would this have been accepted then?").
import { z } from "zod";
import { instant } from "./query-fields";

export const dryRunQuery = z
  .strictObject({
    dryRun: z
      .enum(["true", "false"], { error: "Must be true or false" })
      .transform((value) => value === "true")
      .optional()
      .meta({ description: "true: decide, record nothing, and answer the events it would record and the state after" }),
    version: z
      .string()
      .regex(/^[1-9]\d{0,8}$/, "Must be a whole number from 1")
      .transform(Number)
      .optional()
      .meta({ description: "With dryRun=true: decide against the user right after this version" }),
    at: instant
      .transform((date) => date.toISOString())
      .optional()
      .meta({
        description: "With dryRun=true: decide against the user as they were at this effective instant (known now)",
      }),
  })
  .refine((query) => query.dryRun === true || (query.version === undefined && query.at === undefined), {
    error: "version and at go only with dryRun=true: a command is recorded now, on the user as they are",
    path: ["dryRun"],
  })
  .refine((query) => query.version === undefined || query.at === undefined, {
    error: "Give version or at, not both",
    path: ["version"],
  });

export type DryRunQuery = z.output<typeof dryRunQuery>;
