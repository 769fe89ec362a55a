// POST /api/projections/[name]/rebuild — rebuild a projection from the first event, in the background (202; ?dryRun=true: decide only)
import { previewRebuild, startRebuild } from "@/lib/application/projections";
import { dryRunNowOf, previewResponse } from "@/lib/http/dry-run";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";

export const POST = route<{ name: string }>(
  "admin",
  async (request, { name }) => {
    if (dryRunNowOf(request, "a rebuild replays the whole log as it is now: there is no earlier point to decide at"))
      return previewResponse(await previewRebuild(name));
    await startRebuild(name);
    return Response.json({ name, status: "rebuilding" }, { status: 202, headers: { location: "/api/projections" } });
  },
  { answersDryRun: true },
);

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
