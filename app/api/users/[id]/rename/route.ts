// POST /api/users/[id]/rename — rename a user
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { renameUserBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute("write", renameUserBody, (userId, body, context) =>
  executeUserCommand({ type: "RenameUser", userId, name: body.name, effectiveAt: body.effectiveAt }, context),
);

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
