// The column headings every dashboard table shares; a heading may be right-aligned (numbers) or
// read only by screen readers (an actions column).
export type Column = string | { label: string; align?: "right"; srOnly?: boolean };

export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
      <tr>
        {columns.map((column) => {
          const { label, align, srOnly } = typeof column === "string" ? { label: column } : column;
          return (
            <th key={label} scope="col" className={`px-3 py-2${align === "right" ? " text-right" : ""}`}>
              {srOnly ? <span className="sr-only">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
