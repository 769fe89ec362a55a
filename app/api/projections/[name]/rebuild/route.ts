// POST /api/projections/[name]/rebuild — rebuild a projection from the first event, in the background (202)
import { startRebuild } from "@/lib/application/projections";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";

export const POST = route<{ name: string }>("admin", async (_request, { name }) => {
  await startRebuild(name);
  return Response.json({ name, status: "rebuilding" }, { status: 202, headers: { location: "/api/projections" } });
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
