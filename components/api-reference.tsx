"use client";
// The API reference: Swagger UI (bundled with the app — no CDN) rendering /api/openapi.json.
import dynamic from "next/dynamic";
import "swagger-ui-react/swagger-ui.css";

// Swagger UI reads window and document as it loads: the browser only.
const SwaggerUI = dynamic(() => import("./apidom-registrations").then(() => import("swagger-ui-react")), {
  ssr: false,
  loading: () => <p className="p-6 text-sm text-slate-500">Loading the API reference…</p>,
});

export function ApiReference() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white" data-testid="api-reference">
      <SwaggerUI url="/api/openapi.json" docExpansion="list" defaultModelsExpandDepth={0} tryItOutEnabled={false} />
    </div>
  );
}
