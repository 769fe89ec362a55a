// Projection "name_changes": every rename, with the name before and after — what the product
// owner's "who changed their name in the past six months" report reads.
import type { Projection } from "../../projections/projection";
import { userStreamType } from "../../domain/users";

export const nameChangesProjection: Projection = {
  name: "name_changes",
  version: 1,
  eventTypes: ["user.renamed"],
  tables: ["name_changes"],
  async apply(tx, events, table) {
    await tx.query(
      `INSERT INTO "${table("name_changes")}" (user_id, version, position, previous_name, name, renamed_at)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[])`,
      [
        events.map((event) => event.streamId.slice(userStreamType.length + 1)),
        events.map((event) => event.version),
        events.map((event) => event.position),
        events.map((event) => String(event.data.previousName)),
        events.map((event) => String(event.data.name)),
        events.map((event) => event.recordedAt),
      ],
    );
  },
};
