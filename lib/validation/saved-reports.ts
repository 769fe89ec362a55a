// What a saved report's definition may say, and what its results accept; shared by the API and the
// dashboard's form. Every choice comes from a fixed catalogue (lib/domain/reports/saved-reports.ts).
import { z } from "zod";
import {
  countKinds,
  filterFields,
  groupFields,
  periods,
  presenceOperators,
  unboundedGroupFields,
  valueOperators,
  type FilterField,
  type GroupField,
} from "../domain/reports/saved-reports";
import { userEventTypes } from "../domain/users/events";
import { text } from "./text";

const filterFieldNames = Object.keys(filterFields) as [FilterField, ...FilterField[]];
const groupFieldNames = Object.keys(groupFields) as [GroupField, ...GroupField[]];

const filterValue = text("A filter value", { max: 200 }).pipe(z.string().min(1, "A filter value must not be empty"));

const reportFilter = z
  .strictObject({
    field: z.enum(filterFieldNames, { error: `Must be one of ${filterFieldNames.join(", ")}` }),
    operator: z.enum([...valueOperators, ...presenceOperators], {
      error: `Must be one of ${[...valueOperators, ...presenceOperators].join(", ")}`,
    }),
    values: z.array(filterValue).max(20, "At most 20 values").optional(),
  })
  .superRefine((filter, context) => {
    const presence = (presenceOperators as readonly string[]).includes(filter.operator);
    if (filterFields[filter.field].personal && !presence)
      context.addIssue({
        code: "custom",
        path: ["operator"],
        message: `${filterFields[filter.field].label} is personal data: a report may only ask whether it changed (changed or not_changed), never its value`,
      });
    if (presence && filter.values !== undefined)
      context.addIssue({ code: "custom", path: ["values"], message: `${filter.operator} takes no values` });
    if (!presence && (filter.values?.length ?? 0) === 0)
      context.addIssue({ code: "custom", path: ["values"], message: `${filter.operator} needs a value` });
    if ((filter.operator === "equals" || filter.operator === "starts_with") && (filter.values?.length ?? 0) > 1)
      context.addIssue({ code: "custom", path: ["values"], message: `${filter.operator} takes one value` });
  })
  .transform((filter) =>
    (presenceOperators as readonly string[]).includes(filter.operator)
      ? { field: filter.field, operator: filter.operator as (typeof presenceOperators)[number] }
      : {
          field: filter.field,
          operator: filter.operator as (typeof valueOperators)[number],
          values: filter.values ?? [],
        },
  );

export const reportDefinition = z.strictObject({
  name: text("Name", { max: 120 }).pipe(z.string().trim().min(1, "Name must not be empty")),
  eventTypes: z
    .array(z.enum(userEventTypes, { error: `Must be one of ${userEventTypes.join(", ")}` }))
    .min(1, "Choose at least one event type")
    .refine((types) => new Set(types).size === types.length, "Each event type once"),
  filter: reportFilter.optional(),
  count: z.enum(countKinds, { error: 'Must be "events" or "users"' }),
  period: z.enum(periods, { error: 'Must be "day", "week" or "month"' }),
  groupBy: z
    .string({ error: "Must be a string" })
    .superRefine((field, context) => {
      if ((unboundedGroupFields as readonly string[]).includes(field))
        context.addIssue({
          code: "custom",
          message: `Grouping by ${field} would make a row per value, without bound: group by ${groupFieldNames.join(", ")}`,
        });
      else if (!(groupFieldNames as readonly string[]).includes(field))
        context.addIssue({ code: "custom", message: `Must be one of ${groupFieldNames.join(", ")}` });
    })
    .transform((field) => field as GroupField)
    .optional(),
});

export type ReportDefinitionInput = z.input<typeof reportDefinition>;
