// The right to erasure, in an append-only log: record that the user was forgotten, then destroy
// their key (every personal field of their events now reads "[erased]") and every copy of their
// personal data outside the log. Asking again re-runs the clean-up and changes nothing else.
import { erasedValue, userStreamId } from "../../domain/users";
import type { EventStore } from "../../eventstore";
import { eraseFromProjection } from "../../projections/rebuild";
import { projections } from "../projections";
import { savedReportProjections } from "../reports/saved-reports";
import { getServices } from "../services";
import { executeUserCommand, type CommandContext, type CommandOutcome } from "./user-commands";

/** Every email address the user ever had, as their events (still decryptable) say. */
async function emailsOf(store: EventStore, userId: string): Promise<string[]> {
  const events = await store.readStream(userStreamId(userId));
  const emails = events.flatMap((event) => [event.data.email, event.data.previousEmail]);
  return [...new Set(emails.filter((email): email is string => typeof email === "string" && email.includes("@")))];
}

export async function forgetUser(userId: string, context: CommandContext): Promise<CommandOutcome> {
  const { database, store } = await getServices();
  const emails = await emailsOf(store, userId);
  // Recorded first: a writer that finds the key gone can tell a forgotten user by this event.
  const outcome = await executeUserCommand({ type: "ForgetUser", userId }, context);
  await database.transaction(async (tx) => {
    // First, and in this transaction: every writer of this user's decrypted data holds the key row
    // (FOR SHARE) while it writes, so this waits for writers under way, whose rows the statements
    // below then erase; writers that come later find no key and write "[erased]" or nothing.
    await tx.query("DELETE FROM user_keys WHERE user_id = $1", [userId]);
    await tx.query("DELETE FROM users WHERE id = $1", [userId]);
    // Every version of them in the temporal index reads as the log now does.
    await tx.query("UPDATE user_versions SET name = $2, name_lower = $2, email = $2 WHERE user_id = $1", [
      userId,
      erasedValue,
    ]);
    // Derived copies: folded states, projections (and the copies a rebuild is filling), replayable responses.
    await tx.query("DELETE FROM snapshots WHERE stream_id = $1", [userStreamId(userId)]);
    for (const projection of [...projections, ...(await savedReportProjections(tx))])
      await eraseFromProjection(tx, projection, userId);
    // Replies name the user by id; older ones (a 409 "Another user already uses <email>") by email.
    await tx.query(
      `DELETE FROM idempotent_requests
        WHERE strpos(body, $1) > 0 OR strpos(key, $1) > 0
           OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS email WHERE strpos(lower(body), lower(email)) > 0)`,
      [userId, emails],
    );
  });
  return outcome;
}
