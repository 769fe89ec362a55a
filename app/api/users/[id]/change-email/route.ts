// POST /api/users/[id]/change-email — change a user's email
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { methodNotAllowed } from "@/lib/http/route";
import { changeEmailBody } from "@/lib/validation/users";
import { userCommandRoute } from "../../../_lib/user-command-route";

export const POST = userCommandRoute("write", changeEmailBody, (userId, body, context) =>
  executeUserCommand({ type: "ChangeEmail", userId, email: body.email, effectiveAt: body.effectiveAt }, context),
);
export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
