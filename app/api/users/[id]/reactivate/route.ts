// POST /api/users/[id]/reactivate — reactivate a deactivated user (the body may be empty)
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { methodNotAllowed } from "@/lib/http/route";
import { reactivateUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "../../../_lib/user-command-route";

export const POST = userCommandRoute(
  "write",
  reactivateUserBody,
  (userId, body, context) => executeUserCommand({ type: "ReactivateUser", userId, effectiveAt: body?.effectiveAt }, context),
  {
    bodyOptional: true,
  },
);
export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
