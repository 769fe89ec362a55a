// Command handling for users, always the same steps: read the stream → fold → decide → append
// with the expected version and the users table in the same transaction → the new state.
import { decide, evolve, needsHistory, userStreamId, type DecisionContext, type UserCommand, type UserState } from "../../domain/users";
import { WrongExpectedVersion, type EventStore } from "../../eventstore";
import { PreconditionFailed } from "../errors";
import { metrics } from "../../observability/metrics";
import { getServices } from "../services";
import { inTurn, pauseAfterLostRace, takingTurns } from "../stream-turns";
import { hashPassword } from "./passwords";
import { encryptPersonalData, isUserKeyTaken, needsUserKey, newUserKey, reasonMetadata, storeUserKey, userKey } from "./personal-data";
import { toNewEvent, toRecordedUserEvent, userFold } from "./user-events";
import { asEmailTaken, upsertUserRow } from "./users-projection";
import { viewOfState, type UserView } from "./user-view";

export interface CommandContext {
  actor: string;
  correlationId: string;
  /** Identifies the command: a retry with the same id appends nothing. Generated when absent. */
  commandId?: string;
  /** From If-Match: the version the caller last saw. A user at another version → PreconditionFailed. */
  expectedVersion?: number;
  /** Why, as the caller says: kept in the events' metadata for the audit trail. */
  reason?: string;
}

export interface CommandOutcome {
  user: UserView;
  /** How many events the command recorded (0 when nothing changed or it was a retry). */
  recorded: number;
}

/**
 * Without If-Match, a command that lost a race to a concurrent writer is tried again until it
 * lands; once its turn has come, for at most this long (writers in other processes can keep
 * winning, in theory).
 */
const lostRaceDeadlineMs = 10_000;

function loadUser(store: EventStore, streamId: string, toVersion?: number): Promise<{ state: UserState; version: number }> {
  return store.aggregateStream(streamId, userFold, toVersion === undefined ? {} : { toVersion });
}

/** A command as callers give it: passwords in plain text; the hash is made here, only when needed. */
export type UserCommandInput =
  | Exclude<UserCommand, { type: "RegisterUser" | "ChangePassword" }>
  | Omit<Extract<UserCommand, { type: "RegisterUser" }>, "passwordHash">
  | Omit<Extract<UserCommand, { type: "ChangePassword" }>, "passwordHash">;

// A password hash costs ~50 ms of CPU: decide runs first with a blank hash, so that a command it
// refuses (invalid, deactivated user…) never pays for one; then once more with the real hash.
async function decideWithPassword(input: UserCommandInput, state: UserState, hashes: Map<string, string>, context: DecisionContext) {
  if (input.type !== "RegisterUser" && input.type !== "ChangePassword") return decide(input, state, context);
  const dryRun = decide({ ...input, passwordHash: "" }, state);
  if (dryRun.length === 0) return dryRun;
  let passwordHash = hashes.get(input.password);
  if (!passwordHash) {
    passwordHash = await hashPassword(input.password);
    hashes.set(input.password, passwordHash);
  }
  return decide({ ...input, passwordHash }, state);
}

/** Handles one user command; counted in the metrics by its type and outcome. */
export async function executeUserCommand(command: UserCommandInput, context: CommandContext): Promise<CommandOutcome> {
  try {
    const outcome = await handleUserCommand(command, context);
    metrics().commands.inc({ command: command.type, outcome: outcome.recorded > 0 ? "recorded" : "unchanged" });
    return outcome;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    metrics().commands.inc({ command: command.type, outcome: typeof code === "string" && /^[a-z_]+$/.test(code) ? code : "error" });
    throw error;
  }
}

async function handleUserCommand(command: UserCommandInput, context: CommandContext): Promise<CommandOutcome> {
  const streamId = userStreamId(command.userId);
  const hashes = new Map<string, string>();
  // Optimistic first: the uncontended command costs no lock and no extra round trip. With If-Match
  // this is the only attempt: a lost race is a 412.
  if (context.expectedVersion !== undefined || !takingTurns(streamId)) {
    const first = await attemptUserCommand(command, context, streamId, hashes);
    if (first.landed) return first.outcome;
  }
  // A race lost without If-Match: the caller asked for last-writer-wins. The commands of this process
  // that lost one take turns on the stream (waiting in memory, not on the database), and newcomers
  // join them, so a retry can only lose to another process: that is waited out with jittered back-off.
  return inTurn(streamId, async () => {
    const deadline = Date.now() + lostRaceDeadlineMs;
    for (let retry = 1; ; retry++) {
      const next = await attemptUserCommand(command, context, streamId, hashes);
      if (next.landed) return next.outcome;
      if (Date.now() >= deadline) throw next.lostTo;
      await pauseAfterLostRace(retry, deadline);
    }
  });
}

type Attempt = { landed: true; outcome: CommandOutcome } | { landed: false; lostTo: WrongExpectedVersion };

/** One read → fold → decide → append; a race lost to a concurrent writer comes back as such, without If-Match. */
async function attemptUserCommand(
  command: UserCommandInput,
  context: CommandContext,
  streamId: string,
  hashes: Map<string, string>,
): Promise<Attempt> {
  const { store, database } = await getServices();
  const { state, version } = await loadUser(store, streamId);
  if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
    throw new PreconditionFailed(context.expectedVersion, version);
  }
  // A change effective before the user's latest known one is decided on the user as they were then,
  // and must leave the later-effective events allowed: that takes the whole stream, in any order.
  const history = needsHistory(command, state)
    ? (await store.readStream(streamId, { toVersion: version })).map(toRecordedUserEvent)
    : undefined;
  const events = await decideWithPassword(command, state, hashes, { now: new Date().toISOString(), history });
  if (events.length === 0 && state.status !== "unregistered") return { landed: true, outcome: { user: viewOfState(state), recorded: 0 } };

  // The state the events lead to, for the users table; versions and times come from the append.
  const expected = events.reduce<UserState>(
    (current, event, index) => evolve(current, { ...event, version: version + index + 1, recordedAt: new Date(0).toISOString() }),
    state,
  );
  if (expected.status === "unregistered") throw new Error(`Events of ${streamId} fold to no user`);

  // Personal data (names, emails, password hashes, reasons) goes into the log encrypted with the
  // user's key; the first of it brings a new key, stored by the append's own statement (a refused
  // command leaves no key behind).
  const personal = needsUserKey(command.type, events, context.reason);
  const storedKey = personal ? await userKey(database, command.userId) : undefined;
  const newKey = personal && !storedKey ? newUserKey() : undefined;
  const key = storedKey ?? newKey;
  const toStore = events.map((event) => (key ? encryptPersonalData(toNewEvent(event), streamId, key) : toNewEvent(event)));

  try {
    const stopTimer = metrics().appendDuration.startTimer();
    const result = await store
      .appendToStream(streamId, toStore, {
        expectedVersion: version === 0 ? "no_stream" : version,
        metadata: {
          commandId: context.commandId,
          correlationId: context.correlationId,
          actor: context.actor,
          ...(context.reason === undefined ? {} : { extra: reasonMetadata(command.type, context.reason, streamId, key) }),
        },
        inlineStatement: newKey ? [upsertUserRow(expected), storeUserKey(command.userId, newKey)] : upsertUserRow(expected),
      })
      .finally(stopTimer);
    const after = result.replayed
      ? (await loadUser(store, streamId, result.version)).state
      : // The events as decided (in clear), at the versions and times the append gave them.
        result.events.reduce(
          (current, event, index) => evolve(current, toRecordedUserEvent({ ...event, data: events[index]!.data })),
          state,
        );
    if (after.status === "unregistered") throw new Error(`User stream ${streamId} folds to nothing after an append`);
    return { landed: true, outcome: { user: viewOfState(after), recorded: result.replayed ? 0 : result.events.length } };
  } catch (error) {
    const lostTo = isUserKeyTaken(error) ? new WrongExpectedVersion(streamId, version, (await loadUser(store, streamId)).version) : error;
    if (!(lostTo instanceof WrongExpectedVersion)) throw asEmailTaken(error, expected.email);
    if (context.expectedVersion !== undefined) throw new PreconditionFailed(context.expectedVersion, lostTo.actualVersion);
    return { landed: false, lostTo };
  }
}
