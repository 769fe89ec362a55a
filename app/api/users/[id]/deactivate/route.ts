// POST /api/users/[id]/deactivate — deactivate a user, with a reason
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { deactivateUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute("write", deactivateUserBody, (userId, body) => ({
  type: "DeactivateUser",
  userId,
  reason: body.reason,
  category: body.category,
  effectiveAt: body.effectiveAt,
}));

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
