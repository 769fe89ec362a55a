// The query a command takes for a dry run: ?dryRun=true decides and records nothing; with version=
// or at= as well, it decides against the user or saved report as it was then ("would this have been
// accepted then?"). Decisions 026 (users) and 028 (tokens, saved reports, rebuilds).
import { z } from "zod";
import { instant } from "./query-fields";

const dryRunFields = z.strictObject({
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
    .meta({
      description: "With dryRun=true: decide against the user or saved report right after this version of its stream",
    }),
  at: instant
    .transform((date) => date.toISOString())
    .optional()
    .meta({
      description:
        "With dryRun=true: decide against the user as they were at this effective instant (known now), or the saved report as recorded by this instant",
    }),
});

export const dryRunQuery = dryRunFields
  .refine((query) => query.dryRun === true || (query.version === undefined && query.at === undefined), {
    error: "version and at go only with dryRun=true: a command is recorded now, on the resource as it is",
    path: ["dryRun"],
  })
  .refine((query) => query.version === undefined || query.at === undefined, {
    error: "Give version or at, not both",
    path: ["version"],
  });

/**
 * The dry run of a command on something without versions (a token, a rebuild, a report not saved
 * yet), as the OpenAPI document shows it: version= and at= are parsed with `dryRunQuery` and refused.
 */
export const dryRunNowQuery = z.strictObject({ dryRun: dryRunFields.shape.dryRun });

export type DryRunQuery = z.output<typeof dryRunQuery>;
