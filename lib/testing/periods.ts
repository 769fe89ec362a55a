// The first day (UTC) of the day, ISO week (from Monday) or month an instant falls in, computed by
// hand: what the reports' brute-force checks compare PostgreSQL's date_trunc with.
export function periodStart(time: number | Date, period: "day" | "week" | "month"): string {
  const d = new Date(time);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  if (period === "month") day.setUTCDate(1);
  if (period === "week") day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}
