"use client";

import { memo, useState } from "react";
import { comparedFields, formatValue, type History } from "./history";

export const DiffView = memo(function DiffView({ history, latest }: { history: History; latest: number }) {
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const a = from ?? Math.max(latest - 1, 1);
  const b = to ?? latest;
  const left = history.snapshots[a - 1]!;
  const right = history.snapshots[b - 1]!;
  const versions = history.snapshots.map((_, index) => index + 1);
  const select = (label: string, value: number, onChange: (value: number) => void) => (
    <label className="text-sm">
      <span className="mr-2 text-slate-600">{label}</span>
      <select
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        className="rounded-md border border-slate-300 bg-white px-2 py-1"
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            version {v}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section
      aria-labelledby="diff-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <h2 id="diff-title" className="font-semibold">
        Compare two points
      </h2>
      <div className="mt-3 flex flex-wrap gap-4">
        {select("From", a, setFrom)}
        {select("To", b, setTo)}
      </div>
      <table className="mt-3 w-full table-fixed text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="w-1/4 py-1">
              Field
            </th>
            <th scope="col" className="py-1">
              Version {a}
            </th>
            <th scope="col" className="py-1">
              Version {b}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {comparedFields.map(([field, label]) => {
            const changed = left[field] !== right[field];
            return (
              <tr key={field} data-changed={changed || undefined} className={changed ? "bg-amber-50" : ""}>
                <th scope="row" className="py-1.5 pr-2 text-left font-normal text-slate-600">
                  {label}
                  {changed && <span className="sr-only"> (changed)</span>}
                </th>
                <td className={`break-all py-1.5 pr-2 ${changed ? "text-slate-500 line-through" : ""}`}>
                  {formatValue(left[field])}
                </td>
                <td className={`break-all py-1.5 ${changed ? "font-medium text-amber-950" : ""}`}>
                  {formatValue(right[field])}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
