// POST /api/users/[id]/reactivate — reactivate a deactivated user (the body may be empty)
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { reactivateUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute(
  "write",
  reactivateUserBody,
  (userId, body) => ({ type: "ReactivateUser", userId, effectiveAt: body?.effectiveAt }),
  {
    bodyOptional: true,
  },
);

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
