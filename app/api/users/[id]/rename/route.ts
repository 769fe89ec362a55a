// POST /api/users/[id]/rename — rename a user
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { renameUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute("write", renameUserBody, (userId, body) => ({
  type: "RenameUser",
  userId,
  name: body.name,
  effectiveAt: body.effectiveAt,
}));

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
