"use client";

import { useEffect, useState, type SubmitEvent } from "react";
import { toLocalInput } from "../relative-time";

export function AsOfControl({ value, onChange }: { value?: string; onChange: (at: string | undefined) => void }) {
  const [input, setInput] = useState("");
  // eslint-disable-next-line react-hooks/set-state-in-effect -- only the browser knows its time zone: rendering it before hydration would not match the server's HTML
  useEffect(() => setInput(toLocalInput(value)), [value]);
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    onChange(input ? new Date(input).toISOString() : undefined);
  };
  return (
    <form onSubmit={apply} className="flex items-end gap-2">
      <label>
        <span className="mb-1 block text-sm font-medium text-slate-700">As of</span>
        <input
          type="datetime-local"
          value={input}
          onChange={(event) => setInput(event.target.value)}
          max={toLocalInput(new Date().toISOString())}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm"
        />
      </label>
      <button
        type="submit"
        className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-slate-50"
      >
        View
      </button>
    </form>
  );
}
