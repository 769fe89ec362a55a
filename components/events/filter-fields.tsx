"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type SubmitEvent, type ReactNode } from "react";
import { toLocalInput } from "../relative-time";

const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : "");

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200";

/** The URL's query parameters of these names (absent ones left out). */
export function useUrlFilters<Name extends string>(names: readonly Name[]): Partial<Record<Name, string>> {
  const searchParams = useSearchParams();
  return Object.fromEntries(
    names.flatMap((name) => (searchParams.get(name) ? [[name, searchParams.get(name)!]] : [])),
  ) as Partial<Record<Name, string>>;
}

export interface FilterField {
  name: string;
  label: string;
  kind: "text" | "instant" | "number" | "select";
  placeholder?: string;
  options?: readonly { value: string; label: string }[];
  /** Turns what was typed into the URL's value ("" leaves it out). */
  toUrl?: (typed: string) => string;
}

/**
 * A filter form whose values live in the URL: applying pushes a new history entry (so Back undoes
 * it and the link can be shared); the page reads its filters back from the URL.
 */
export function FilterForm({
  fields,
  values,
  pathname,
  children,
}: {
  fields: readonly FilterField[];
  values: Partial<Record<string, string>>;
  pathname: string;
  children?: ReactNode;
}) {
  const router = useRouter();
  const [typed, setTyped] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      fields.map((field) => [
        field.name,
        field.kind === "instant" ? toLocalInput(values[field.name]) : (values[field.name] ?? ""),
      ]),
    ),
  );
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const field of fields) {
      const raw = typed[field.name]!.trim();
      const value = field.kind === "instant" ? fromLocalInput(raw) : (field.toUrl ?? ((text: string) => text))(raw);
      if (value) params.set(field.name, value);
    }
    const query = params.toString();
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  return (
    <form onSubmit={apply} role="search" aria-label="Filters" className="flex flex-wrap items-end gap-3">
      {fields.map((field) => (
        <label key={field.name} className="min-w-0 flex-[1_1_10rem]">
          <span className="mb-1 block text-sm font-medium text-slate-700">{field.label}</span>
          {field.kind === "select" ? (
            <select
              name={field.name}
              value={typed[field.name]}
              onChange={(event) => setTyped({ ...typed, [field.name]: event.target.value })}
              className={inputClass}
            >
              {field.options!.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={field.name}
              type={field.kind === "instant" ? "datetime-local" : field.kind === "number" ? "number" : "text"}
              inputMode={field.kind === "number" ? "numeric" : undefined}
              min={field.kind === "number" ? 1 : undefined}
              value={typed[field.name]}
              placeholder={field.placeholder}
              onChange={(event) => setTyped({ ...typed, [field.name]: event.target.value })}
              className={inputClass}
            />
          )}
        </label>
      ))}
      <div className="flex gap-2">
        <button
          type="submit"
          className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700"
        >
          Apply
        </button>
        <button
          type="button"
          onClick={() => router.push(pathname, { scroll: false })}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-slate-50"
        >
          Clear
        </button>
        {children}
      </div>
    </form>
  );
}
