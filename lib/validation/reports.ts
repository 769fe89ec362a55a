// What the reports API accepts; shared by the route and the /reports page.
import { z } from "zod";
import { day, dayOrInstant, latestInstant, pageLimit } from "./query-fields";

const startOfNextUtcDay = (date: Date) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1));

const monthsBefore = (date: Date, months: number) => {
  const earlier = new Date(date);
  earlier.setUTCMonth(earlier.getUTCMonth() - months);
  return earlier;
};

export const nameChangesQuery = z
  .strictObject({
    basis: z.enum(["effective", "recorded"], { error: 'Must be "effective" or "recorded"' }).default("effective"),
    from: dayOrInstant.optional(),
    to: dayOrInstant.optional(),
    asOf: dayOrInstant.optional(),
    sort: z
      .enum(["current_name", "renames", "first_rename", "last_rename"], {
        error: "Must be current_name, renames, first_rename or last_rename",
      })
      .default("last_rename"),
    order: z.enum(["asc", "desc"], { error: 'Must be "asc" or "desc"' }).default("desc"),
    page: z.coerce
      .number()
      .int("Must be a whole number from 1")
      .min(1, "Must be a whole number from 1")
      .max(100_000)
      .default(1),
    limit: pageLimit(1000, 100),
    format: z.enum(["json", "csv"], { error: 'Must be "json" or "csv"' }).default("json"),
  })
  .transform((query) => {
    // The default window: six months up to the report's instant — as of a date, up to and including
    // it; otherwise up to the end of today (UTC), which nothing recorded yet lies beyond.
    // Never past the last instant the API takes or writes (an asOf at it would end the window in year 10000).
    const to =
      query.to ??
      (query.asOf
        ? new Date(Math.min(query.asOf.getTime() + 1, latestInstant.getTime()))
        : startOfNextUtcDay(new Date()));
    const from = query.from ?? monthsBefore(to, 6);
    return { ...query, from, to };
  })
  .refine((query) => query.from < query.to, { error: "from must be before to", path: ["from"] });

const shiftDate = (date: string, { months = 0, days = 0 }) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months, d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const dayWindow = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  asOf: dayOrInstant.optional(),
  format: z.enum(["json", "csv"], { error: 'Must be "json" or "csv"' }).default("json"),
});

/** The default window: the six months up to and including the report's day. */
function withDefaultWindow<Query extends { from?: string; to?: string; asOf?: Date }>(query: Query) {
  const reportDay = (query.asOf ?? new Date()).toISOString().slice(0, 10);
  const to = query.to ?? shiftDate(reportDay, { days: 1 });
  const from = query.from ?? shiftDate(to, { months: -6 });
  return { ...query, from, to };
}

function checkWindow(query: { from: string; to: string }, context: z.RefinementCtx) {
  if (query.from >= query.to) context.addIssue({ code: "custom", message: "from must be before to", path: ["from"] });
  else if (Date.parse(query.to) - Date.parse(query.from) > 10 * 366 * 86_400_000)
    context.addIssue({ code: "custom", message: "At most ten years at a time", path: ["to"] });
}

export const activityQuery = dayWindow
  .extend({ bucket: z.enum(["day", "week", "month"], { error: 'Must be "day", "week" or "month"' }).default("week") })
  .transform(withDefaultWindow)
  .superRefine(checkWindow);

/** A saved report's results: the same window, the period coming from its definition. */
export const savedReportQuery = dayWindow.transform(withDefaultWindow).superRefine(checkWindow);

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Must be a month like 2025-01")
  .refine((value) => value >= "1970-01", "Must lie in 1970..9999");

const addMonths = (value: string, months: number) => {
  const [year, monthNumber] = value.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber - 1 + months, 1)).toISOString().slice(0, 7);
};

export const cohortQuery = z
  .strictObject({
    from: month.optional(),
    to: month.optional(),
    asOf: dayOrInstant.optional(),
    format: z.enum(["json", "csv"], { error: 'Must be "json" or "csv"' }).default("json"),
  })
  .transform((query) => {
    // The default: the twelve cohorts up to the report's month (the last with a month behind it).
    const to = query.to ?? (query.asOf ?? new Date()).toISOString().slice(0, 7);
    const from = query.from ?? addMonths(to, -12);
    return { ...query, from, to };
  })
  .superRefine((query, context) => {
    if (query.from >= query.to) context.addIssue({ code: "custom", message: "from must be before to", path: ["from"] });
    else if (addMonths(query.from, 60) < query.to)
      context.addIssue({ code: "custom", message: "At most 60 cohorts at a time", path: ["to"] });
  });
