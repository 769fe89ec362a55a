// The name_changes projection as a brute-force query over the raw log would have it, and as it is.
import type { Queryable } from "../db/database";

export const nameChangesByBruteForce = (database: Queryable) =>
  database.query(
    `SELECT substring(stream_id from 6)::uuid AS user_id, version, position, data->>'previousName' AS previous_name,
            data->>'name' AS name, recorded_at AS renamed_at
       FROM events WHERE type = 'user.renamed' ORDER BY user_id, version`,
  );

export const nameChangesProjected = (database: Queryable) => database.query("SELECT * FROM name_changes ORDER BY user_id, version");
