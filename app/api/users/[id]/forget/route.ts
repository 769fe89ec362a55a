// POST /api/users/:id/forget — erase a user's personal data (GDPR): the events stay, their names and emails read "[erased]"
import { forgetUser } from "@/lib/application/users/forget-user";
import { methodNotAllowed } from "@/lib/http/route";
import { userCommandRoute } from "@/lib/http/user-command-route";
import { forgetUserBody } from "@/lib/validation/users";

export const POST = userCommandRoute("erase", forgetUserBody, (userId, _body, context) => forgetUser(userId, context), {
  bodyOptional: true,
});

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
