"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/field";
import type { ApiTokenView } from "@/lib/application/auth/api-tokens";
import { apiScopes, scopeDescriptions, type ApiScope } from "@/lib/domain/access/scopes";
import { ApiError, apiFetch, checkedBody } from "@/lib/client/api";
import { createApiTokenBody } from "@/lib/validation/auth";
import { ApiErrorAlert } from "../api-error-alert";
import { RelativeTime } from "../relative-time";
import { TableHead } from "../table-head";

export function ApiTokensPanel({ initial }: { initial: ApiTokenView[] }) {
  const tokens = useQuery({
    queryKey: ["api-tokens"],
    queryFn: async () => (await apiFetch<{ items: ApiTokenView[] }>("/api/tokens")).body.items,
    initialData: initial,
  });
  const [name, setName] = useState("");
  // Least privilege by default: a new token reads, and is given more only when asked.
  const [scopes, setScopes] = useState<ApiScope[]>(["read"]);
  const [created, setCreated] = useState<(ApiTokenView & { token: string }) | undefined>();
  const create = useMutation<ApiTokenView & { token: string }, ApiError, { name: string; scopes: ApiScope[] }>({
    mutationFn: async (body) =>
      (
        await apiFetch<ApiTokenView & { token: string }>("/api/tokens", {
          method: "POST",
          body: checkedBody(createApiTokenBody, body),
        })
      ).body,
    onSuccess: (token) => {
      setCreated(token);
      setName("");
      setScopes(["read"]);
      void tokens.refetch();
    },
  });
  const scopesError = create.error?.forField("scopes") ?? create.error?.forField("scopes.0");
  const revoke = useMutation<unknown, ApiError, ApiTokenView>({
    mutationFn: (token) => apiFetch(`/api/tokens/${token.id}/revoke`, { method: "POST" }),
    onSettled: () => tokens.refetch(),
  });

  return (
    <div className="space-y-4">
      <form
        aria-label="Create an API token"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, scopes: apiScopes.filter((scope) => scopes.includes(scope)) });
        }}
      >
        <div className="min-w-64 flex-1">
          <Field
            label="Token name (the service that will use it)"
            value={name}
            onChange={setName}
            error={create.error?.forField("name")}
          />
        </div>
        <fieldset className="w-full" aria-describedby={scopesError ? "token-scopes-error" : undefined}>
          <legend className="mb-1 text-sm font-medium text-slate-700">Scopes (what the token may do)</legend>
          <div className="flex flex-wrap gap-x-5 gap-y-2">
            {apiScopes.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={scopes.includes(scope)}
                  onChange={(event) =>
                    setScopes((current) =>
                      event.target.checked ? [...current, scope] : current.filter((chosen) => chosen !== scope),
                    )
                  }
                />
                <span>
                  <span className="font-medium">{scope}</span>{" "}
                  <span className="text-slate-500">— {scopeDescriptions[scope]}</span>
                </span>
              </label>
            ))}
          </div>
          {scopesError && (
            <p id="token-scopes-error" className="mt-1 text-sm text-red-700">
              {scopesError}
            </p>
          )}
        </fieldset>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
        >
          Create token
        </button>
      </form>
      {created && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">
            Copy the token for “{created.name}” ({created.scopes.join(", ")}) now: it will not be shown again.
          </p>
          <code
            data-testid="new-token"
            className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-slate-900"
          >
            {created.token}
          </code>
        </div>
      )}
      <ApiErrorAlert error={revoke.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <TableHead
            columns={["Name", "Scopes", "Created", "Last used", "Status", { label: "Actions", srOnly: true }]}
          />
          <tbody className="divide-y divide-slate-100">
            {tokens.data.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                  No API tokens yet.
                </td>
              </tr>
            )}
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td className="px-3 py-2 font-medium">{token.name}</td>
                <td className="px-3 py-2">
                  <ul aria-label={`Scopes of ${token.name}`} className="flex flex-wrap gap-1">
                    {token.scopes.map((scope) => (
                      <li key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                        {scope}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="px-3 py-2 text-slate-600">
                  <RelativeTime iso={token.createdAt} /> by {token.createdBy}
                </td>
                <td className="px-3 py-2 text-slate-600">
                  {token.lastUsedAt ? <RelativeTime iso={token.lastUsedAt} /> : "never"}
                </td>
                <td className="px-3 py-2">
                  {token.revokedAt ? (
                    <span className="text-red-700">revoked</span>
                  ) : (
                    <span className="text-emerald-700">active</span>
                  )}
                </td>
                <td className="px-3 py-2 text-right">
                  {!token.revokedAt && (
                    <button
                      type="button"
                      className="rounded border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => {
                        if (
                          window.confirm(
                            `Revoke “${token.name}”? Services using it will get 401 from their next request, and its open event streams end.`,
                          )
                        )
                          revoke.mutate(token);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
