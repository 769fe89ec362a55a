import { listApiTokens } from "@/lib/application/auth/api-tokens";
import { ApiTokensPanel } from "@/components/admin/api-tokens-panel";
import { getServices } from "@/lib/application/services";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function ApiTokensPage() {
  await requireSignedIn();
  const { database } = await getServices();
  const initial = await listApiTokens(database);
  return (
    <section aria-labelledby="tokens-title" className="space-y-4">
      <div>
        <h1 id="tokens-title" className="text-2xl font-semibold">
          API tokens
        </h1>
        <p className="mt-1 text-slate-600">
          Other services call the API with <code>Authorization: Bearer …</code>. A token may do only what its scopes
          allow, chosen when it is created. It is shown once; only its hash is kept. Revoking one refuses its next
          request and ends its open event streams.
        </p>
      </div>
      <ApiTokensPanel initial={initial} />
    </section>
  );
}
