// GET /api/users/:id/export — everything Rewind holds on a user, as JSON (a subject access request)
import { exportUser } from "@/lib/application/users/user-queries";
import { anyRead, otherMethodsNotAllowed, route } from "@/lib/http/route";
import { userIdFrom } from "@/lib/http/responses";

export const GET = route<{ id: string }>(
  "read",
  async (_request, params) => {
    const userId = userIdFrom(params.id);
    const exported = await exportUser(userId);
    return Response.json(exported, {
      headers: {
        "cache-control": "no-store",
        "content-disposition": `attachment; filename="rewind-user-${userId}.json"`,
      },
    });
  },
  { mayReadReplica: anyRead },
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
