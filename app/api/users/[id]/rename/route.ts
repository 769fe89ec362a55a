// POST /api/users/[id]/rename — rename a user
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { methodNotAllowed } from "@/lib/http/route";
import { renameUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "../../../_lib/user-command-route";

export const POST = userCommandRoute("write", renameUserBody, (userId, body, context) =>
  executeUserCommand({ type: "RenameUser", userId, name: body.name, effectiveAt: body.effectiveAt }, context),
);
export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
