// POST /api/users/:id/forget — erase a user's personal data (GDPR): the events stay, their names and emails read "[erased]"
import { forgetUser } from "@/lib/application/users/forget-user";
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { userCommandRoute } from "@/lib/http/user-command-route";
import { forgetUserBody } from "@/lib/validation/users";

export const POST = userCommandRoute("erase", forgetUserBody, (userId, _body, context) => forgetUser(userId, context), {
  bodyOptional: true,
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
