// One factory for POST /api/users/:id/<command>: parse → command → response, the same for each, and
// the same dry run for each (?dryRun=true: decided, not recorded; decision 026).
import type { z } from "zod";
import {
  executeUserCommand,
  previewUserCommand,
  type CommandContext,
  type CommandOutcome,
  type UserCommandInput,
} from "@/lib/application/users/user-commands";
import { expectedVersionFromIfMatch, readJsonBody, requestMetadata } from "@/lib/http/request";
import type { ApiScope } from "@/lib/domain/access/scopes";
import { route } from "@/lib/http/route";
import { dryRunOf, previewResponse } from "./dry-run";
import { respondIdempotently, userIdFrom, userResponse } from "./responses";

export function userCommandRoute<Schema extends z.ZodType>(
  scope: Extract<ApiScope, "write" | "erase">,
  bodySchema: Schema,
  commandOf: (userId: string, body: z.output<Schema>) => UserCommandInput,
  {
    bodyOptional = false,
    execute = executeUserCommand,
  }: {
    bodyOptional?: boolean;
    /** How the command is carried out when recorded (a dry run only decides it). */
    execute?: (command: UserCommandInput, context: CommandContext) => Promise<CommandOutcome>;
  } = {},
) {
  return route<{ id: string }>(
    scope,
    async (request, params, context) => {
      const userId = userIdFrom(params.id);
      const dryRun = dryRunOf(request);
      const body = await readJsonBody(request, bodySchema, { optional: bodyOptional });
      const expectedVersion = expectedVersionFromIfMatch(request);
      const metadata = requestMetadata(context);
      const command = commandOf(userId, body);
      // A dry run is neither stored under its Idempotency-Key nor replayed from it: it records nothing.
      if (dryRun)
        return previewResponse(
          await previewUserCommand(command, { ...metadata, expectedVersion, reason: reasonIn(body) }, dryRun.point),
        );
      return respondIdempotently(request, body, context, async (commandId) => {
        const { user } = await execute(command, { ...metadata, expectedVersion, commandId, reason: reasonIn(body) });
        return userResponse(user);
      });
    },
    { answersDryRun: true },
  );
}

/** The body's `reason`, when it has one (the deactivation reason doubles as the audit reason). */
export function reasonIn(body: unknown): string | undefined {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  return typeof reason === "string" && reason.trim() !== "" ? reason.trim() : undefined;
}
