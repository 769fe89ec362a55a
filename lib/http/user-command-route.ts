// One factory for POST /api/users/:id/<command>: parse → command → response, the same for each.
import type { z } from "zod";
import type { CommandContext, CommandOutcome } from "@/lib/application/users/user-commands";
import { expectedVersionFromIfMatch, readJsonBody, requestMetadata } from "@/lib/http/request";
import type { ApiScope } from "@/lib/domain/access/scopes";
import { route } from "@/lib/http/route";
import { respondIdempotently, userIdFrom, userResponse } from "./responses";

export function userCommandRoute<Schema extends z.ZodType>(
  scope: Extract<ApiScope, "write" | "erase">,
  bodySchema: Schema,
  run: (userId: string, body: z.output<Schema>, context: CommandContext) => Promise<CommandOutcome>,
  { bodyOptional = false } = {},
) {
  return route<{ id: string }>(scope, async (request, params, context) => {
    const userId = userIdFrom(params.id);
    const body = await readJsonBody(request, bodySchema, { optional: bodyOptional });
    const expectedVersion = expectedVersionFromIfMatch(request);
    const metadata = requestMetadata(context);
    return respondIdempotently(request, body, context, async (commandId) => {
      const { user } = await run(userId, body, { ...metadata, expectedVersion, commandId, reason: reasonIn(body) });
      return userResponse(user);
    });
  });
}

/** The body's `reason`, when it has one (the deactivation reason doubles as the audit reason). */
export function reasonIn(body: unknown): string | undefined {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  return typeof reason === "string" && reason.trim() !== "" ? reason.trim() : undefined;
}
