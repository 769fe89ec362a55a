// The right to erasure, in an append-only log: record that the user was forgotten, then destroy
// their key (every name and email in their events now reads "[erased]") and every copy of their
// personal data outside the log. Asking again re-runs the clean-up and changes nothing else.
import { erasedValue, userStreamId } from "../../domain/users";
import { getServices } from "../services";
import { executeUserCommand, type CommandContext, type CommandOutcome } from "./user-commands";

export async function forgetUser(userId: string, context: CommandContext): Promise<CommandOutcome> {
  const outcome = await executeUserCommand({ type: "ForgetUser", userId }, context);
  const { database } = await getServices();
  await database.transaction(async (tx) => {
    await tx.query("DELETE FROM user_keys WHERE user_id = $1", [userId]);
    await tx.query("DELETE FROM users WHERE id = $1", [userId]);
    // Derived copies: folded states, the name-changes report's rows, replayable responses.
    await tx.query("DELETE FROM snapshots WHERE stream_id = $1", [userStreamId(userId)]);
    await tx.query("UPDATE name_changes SET name = $2, previous_name = $2 WHERE user_id = $1", [userId, erasedValue]);
    await tx.query("DELETE FROM idempotent_requests WHERE strpos(body, $1) > 0 OR strpos(key, $1) > 0", [userId]);
  });
  return outcome;
}
