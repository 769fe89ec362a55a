// POST /api/users/[id]/change-email — change a user's email
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { changeEmailBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute("write", changeEmailBody, (userId, body) => ({
  type: "ChangeEmail",
  userId,
  email: body.email,
  effectiveAt: body.effectiveAt,
}));

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
