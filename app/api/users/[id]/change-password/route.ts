// POST /api/users/[id]/change-password — set a new password (stored only as a scrypt hash)
import { otherMethodsNotAllowed } from "@/lib/http/route";
import { changePasswordBody } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";

export const POST = userCommandRoute("write", changePasswordBody, (userId, body) => ({
  type: "ChangePassword",
  userId,
  password: body.password,
}));

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
