// POST /api/users/:id/forget — erase a user's personal data (GDPR): the events stay, their names and emails read "[erased]"
import { forgetUser } from "@/lib/application/users/forget-user";
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { userCommandRoute } from "@/lib/http/user-command-route";
import { forgetUserBody } from "@/lib/validation/users";

export const POST = userCommandRoute("erase", forgetUserBody, (userId) => ({ type: "ForgetUser", userId }), {
  bodyOptional: true,
  // Recorded, forgetting also erases every copy outside the log; its dry run erases nothing.
  execute: (command, context) => forgetUser(command.userId, context),
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
