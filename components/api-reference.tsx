"use client";
// The API reference: Swagger UI (bundled with the app — no CDN) rendering /api/openapi.json.
import dynamic from "next/dynamic";
import { useEffect, useRef } from "react";
import "swagger-ui-react/swagger-ui.css";
import "./api-reference.css";

// Swagger UI reads window and document as it loads: the browser only.
const SwaggerUI = dynamic(() => import("./apidom-registrations").then(() => import("swagger-ui-react")), {
  ssr: false,
  loading: () => <p className="p-6 text-sm text-slate-500">Loading the API reference…</p>,
});

/**
 * What Swagger UI leaves out and CSS cannot add: a name for its server picker (an unnamed
 * <select>), and operation groups as level-2 headings under the page's h1 (it renders h3s).
 * Swagger UI re-renders as groups open and close, so this runs on every change of its DOM.
 */
function repairSwaggerAccessibility(root: HTMLElement) {
  const servers = root.querySelector("select#servers");
  if (servers && !servers.hasAttribute("aria-label")) servers.setAttribute("aria-label", "Server");
  for (const heading of root.querySelectorAll("h3.opblock-tag:not([aria-level])"))
    heading.setAttribute("aria-level", "2");
}

export function ApiReference() {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    const observer = new MutationObserver(() => repairSwaggerAccessibility(element));
    observer.observe(element, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={root} className="rounded-lg border border-slate-200 bg-white" data-testid="api-reference">
      <SwaggerUI url="/api/openapi.json" docExpansion="list" defaultModelsExpandDepth={0} tryItOutEnabled={false} />
    </div>
  );
}
