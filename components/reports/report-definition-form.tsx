"use client";

// The form that declares a saved report: every choice from the catalogues the API accepts, checked
// by the API's own schema before it is sent.
import { useState, type ReactNode, type SubmitEvent } from "react";
import type { z } from "zod";
import { Field } from "@/components/field";
import { ApiError, checkedBody } from "@/lib/client/api";
import {
  filterFields,
  groupFields,
  presenceOperators,
  valueOperators,
  type FilterField,
  type ReportDefinition,
} from "@/lib/domain/reports/saved-reports";
import { userEventTypes } from "@/lib/domain/users/events";
import { reportDefinition } from "@/lib/validation/saved-reports";
import { ApiErrorAlert } from "../api-error-alert";

const operatorLabels: Record<string, string> = {
  equals: "equals",
  one_of: "is one of (comma-separated)",
  starts_with: "starts with",
  changed: "changed",
  not_changed: "did not change",
};

const selectClass = "w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm";

export function ReportDefinitionForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  onPreview,
  preview,
  onCancel,
}: {
  initial?: ReportDefinition;
  submitLabel: string;
  pending: boolean;
  error: ApiError | null;
  onSubmit: (definition: z.output<typeof reportDefinition>) => void;
  /** Asks what saving would record (a dry run, decision 028), without saving. */
  onPreview?: (definition: z.output<typeof reportDefinition>) => void;
  /** The answer to the last preview, shown above the buttons. */
  preview?: ReactNode;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? "");
  const [eventTypes, setEventTypes] = useState<string[]>(initial?.eventTypes ?? []);
  const [filterField, setFilterField] = useState<FilterField | "">(initial?.filter?.field ?? "");
  const [operator, setOperator] = useState<string>(initial?.filter?.operator ?? "equals");
  const [values, setValues] = useState(
    initial?.filter && "values" in initial.filter ? initial.filter.values.join(", ") : "",
  );
  const [count, setCount] = useState<string>(initial?.count ?? "events");
  const [period, setPeriod] = useState<string>(initial?.period ?? "month");
  const [groupBy, setGroupBy] = useState<string>(initial?.groupBy ?? "");
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const shown = invalid ?? error;
  const personal = filterField !== "" && filterFields[filterField].personal;
  const operators = personal ? presenceOperators : [...valueOperators, ...presenceOperators];

  /** The definition as the form says it, checked by the API's schema; undefined (and shown) when invalid. */
  const checkedDefinition = (): z.output<typeof reportDefinition> | undefined => {
    const presence = (presenceOperators as readonly string[]).includes(operator);
    const body = {
      name,
      eventTypes,
      count,
      period,
      ...(groupBy ? { groupBy } : {}),
      ...(filterField
        ? {
            filter: {
              field: filterField,
              operator,
              ...(presence
                ? {}
                : {
                    values:
                      operator === "one_of"
                        ? values
                            .split(",")
                            .map((value) => value.trim())
                            .filter(Boolean)
                        : [values.trim()],
                  }),
            },
          }
        : {}),
    };
    try {
      setInvalid(null);
      return checkedBody(reportDefinition, body);
    } catch (problem) {
      if (problem instanceof ApiError) setInvalid(problem);
      else throw problem;
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const definition = checkedDefinition();
    if (definition) onSubmit(definition);
  };

  return (
    <form
      aria-label={submitLabel}
      onSubmit={submit}
      className="space-y-4 rounded-lg border border-indigo-200 bg-indigo-50/40 p-4"
    >
      <Field label="Report name" value={name} onChange={setName} error={shown?.forField("name")} />
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-700">Events to count</legend>
        <div className="flex flex-wrap gap-x-5 gap-y-2">
          {userEventTypes.map((type) => (
            <label key={type} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={eventTypes.includes(type)}
                onChange={(event) =>
                  setEventTypes((current) =>
                    event.target.checked ? [...current, type] : current.filter((chosen) => chosen !== type),
                  )
                }
              />
              <code>{type}</code>
            </label>
          ))}
        </div>
        {shown?.forField("eventTypes") && <p className="mt-1 text-sm text-red-700">{shown.forField("eventTypes")}</p>}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Only events whose</span>
          <select
            value={filterField}
            onChange={(event) => {
              const field = event.target.value as FilterField | "";
              setFilterField(field);
              setOperator(field && filterFields[field].personal ? "changed" : "equals");
            }}
            className={selectClass}
          >
            <option value="">(no filter)</option>
            {(Object.keys(filterFields) as FilterField[]).map((field) => (
              <option key={field} value={field}>
                {filterFields[field].label}
                {filterFields[field].personal ? " (personal: changed or not)" : ""}
              </option>
            ))}
          </select>
        </label>
        {filterField && (
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Test</span>
            <select value={operator} onChange={(event) => setOperator(event.target.value)} className={selectClass}>
              {operators.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {operatorLabels[candidate]}
                </option>
              ))}
            </select>
          </label>
        )}
        {filterField && !personal && (valueOperators as readonly string[]).includes(operator) && (
          <Field
            label="Value"
            value={values}
            onChange={setValues}
            error={shown?.forField("filter.values") ?? shown?.forField("filter.values.0")}
          />
        )}
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Count</span>
          <select value={count} onChange={(event) => setCount(event.target.value)} className={selectClass}>
            <option value="events">events</option>
            <option value="users">distinct users</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Per</span>
          <select value={period} onChange={(event) => setPeriod(event.target.value)} className={selectClass}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Grouped by</span>
          <select value={groupBy} onChange={(event) => setGroupBy(event.target.value)} className={selectClass}>
            <option value="">(nothing)</option>
            {Object.entries(groupFields).map(([field, label]) => (
              <option key={field} value={field}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ApiErrorAlert error={shown} />
      {preview}
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-600 disabled:opacity-50"
        >
          {submitLabel}
        </button>
        {onPreview && (
          <button
            type="button"
            disabled={pending}
            onClick={() => {
              const definition = checkedDefinition();
              if (definition) onPreview(definition);
            }}
            className="rounded-md border border-indigo-300 px-3 py-2 text-sm font-medium text-indigo-800 hover:bg-indigo-100 disabled:opacity-50"
          >
            Preview
          </button>
        )}
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
