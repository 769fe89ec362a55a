"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ActivityPoint } from "@/lib/application/reports/activity-report";

export const activityLabels = {
  registrations: "Registrations",
  renames: "Renames",
  emailChanges: "Email changes",
  deactivations: "Deactivations",
} as const;

const colours = {
  registrations: "#4f46e5",
  renames: "#0891b2",
  emailChanges: "#d97706",
  deactivations: "#dc2626",
} as const;

export function ActivityChart({ points }: { points: ActivityPoint[] }) {
  const totals = Object.fromEntries(
    Object.keys(activityLabels).map((key) => [
      key,
      points.reduce((sum, p) => sum + p[key as keyof typeof activityLabels], 0),
    ]),
  );
  const summary = Object.entries(activityLabels)
    .map(([key, label]) => `${totals[key]} ${label.toLowerCase()}`)
    .join(", ");
  return (
    <figure role="img" aria-label={`Activity chart, ${points.length} periods: ${summary}`} className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="start" tick={{ fontSize: 11 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {(Object.keys(activityLabels) as (keyof typeof activityLabels)[]).map((key) => (
            <Bar
              key={key}
              dataKey={key}
              name={activityLabels[key]}
              stackId="activity"
              fill={colours[key]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
