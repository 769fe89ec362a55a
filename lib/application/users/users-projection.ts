// The users table, kept in step with the events inside the append's transaction (inline projection).
import type { Queryable } from "../../db";
import { userStreamType } from "../../domain/users";
import type { RecordedEvent } from "../../eventstore";
import { EmailTaken } from "../errors";

const userIdOf = (event: RecordedEvent) => event.streamId.slice(userStreamType.length + 1);

export async function projectUserEvents(tx: Queryable, events: RecordedEvent[]): Promise<void> {
  for (const event of events) {
    const id = userIdOf(event);
    const touch = [id, event.version, event.recordedAt];
    try {
      switch (event.type) {
        case "user.registered":
          await tx.query({
            name: "users.insert",
            text: `INSERT INTO users (id, name, email, status, version, created_at, updated_at)
                   VALUES ($1, $4, $5, 'active', $2, $3, $3)`,
            values: [...touch, event.data.name, event.data.email],
          });
          break;
        case "user.renamed":
          await tx.query({ name: "users.rename", text: `UPDATE users SET name = $4, version = $2, updated_at = $3 WHERE id = $1`, values: [...touch, event.data.name] });
          break;
        case "user.email_changed":
          await tx.query({ name: "users.email", text: `UPDATE users SET email = $4, version = $2, updated_at = $3 WHERE id = $1`, values: [...touch, event.data.email] });
          break;
        case "user.deactivated":
        case "user.reactivated":
          await tx.query({
            name: "users.status",
            text: `UPDATE users SET status = $4, version = $2, updated_at = $3 WHERE id = $1`,
            values: [...touch, event.type === "user.deactivated" ? "deactivated" : "active"],
          });
          break;
        default:
          await tx.query({ name: "users.touch", text: `UPDATE users SET version = $2, updated_at = $3 WHERE id = $1`, values: touch });
      }
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === "23505" && constraint === "users_email_key") throw new EmailTaken(String(event.data.email));
      throw error;
    }
  }
}
