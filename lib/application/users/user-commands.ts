// Command handling for users: the generic handler (../command-handler.ts) with what is the users'
// own — a password hashed only when a decision needs one, personal data encrypted with the user's
// key (stored by the append that first needs it), and the users table upserted by the append itself.
import {
  decide,
  evolve,
  needsHistory,
  userStreamId,
  type DecisionContext,
  type RecordedUserEvent,
  type RegisteredUser,
  type UserCommand,
  type UserEvent,
  type UserState,
} from "../../domain/users";
import { metrics } from "../../observability/metrics";
import {
  commandHandler,
  decidedAgainst,
  type DecidedAgainst,
  lostRace,
  type AppendPlan,
  type CommandContext,
  type Decision,
  type DecisionPoint,
  type DecisionSite,
} from "../command-handler";
import { EmailTaken, NotFound } from "../errors";
import { getServices } from "../services";
import { hashPassword } from "./passwords";
import {
  encryptPersonalData,
  isUserKeyTaken,
  needsUserKey,
  newUserKey,
  reasonMetadata,
  storeUserKey,
  userKey,
  withKeysReadOnce,
  forgetKeysRead,
} from "./personal-data";
import type { Statement } from "../../db/database";
import type { EventStore } from "../../eventstore";
import type { Loaded } from "../command-handler";
import { snapshotAfter, toNewEvent, toRecordedUserEvent, userEffectiveAt, userFold } from "./user-events";
import { asEmailTaken, upsertUserRow } from "./users-projection";
import { recordUserVersions } from "./user-versions";
import { redactEventData, viewOfState, type UserView } from "./user-view";

export type { CommandContext } from "../command-handler";

export interface CommandOutcome {
  user: UserView;
  /** How many events the command recorded (0 when nothing changed or it was a retry). */
  recorded: number;
}

/** A command as callers give it: passwords in plain text; the hash is made here, only when needed. */
export type UserCommandInput =
  | Exclude<UserCommand, { type: "RegisterUser" | "ChangePassword" }>
  | Omit<Extract<UserCommand, { type: "RegisterUser" }>, "passwordHash">
  | Omit<Extract<UserCommand, { type: "ChangePassword" }>, "passwordHash">;

// A password hash costs ~50 ms of CPU: decide runs first with a blank hash, so that a command it
// refuses (invalid, deactivated user…) never pays for one; then once more with the real hash, made
// once per command however many attempts it takes.
const passwordHashes = new WeakMap<UserCommandInput, Promise<string>>();

async function decideWithPassword(
  input: UserCommandInput,
  state: UserState,
  context: DecisionContext,
  { dryRun = false } = {},
): Promise<UserEvent[]> {
  if (input.type !== "RegisterUser" && input.type !== "ChangePassword") return decide(input, state, context);
  const withoutHash = decide({ ...input, passwordHash: "" }, state, context);
  // A dry run shows the hash redacted anyway: it never pays for one.
  if (withoutHash.length === 0 || dryRun) return withoutHash;
  let passwordHash = passwordHashes.get(input);
  if (!passwordHash) {
    passwordHash = hashPassword(input.password);
    passwordHashes.set(input, passwordHash);
  }
  return decide({ ...input, passwordHash: await passwordHash }, state, context);
}

// A change effective before the user's latest known one is decided on the user as they were then,
// and must leave the later-effective events allowed: that takes the whole stream, in any order.
async function decideUserCommand(
  input: UserCommandInput,
  state: UserState,
  { store, streamId, version, dryRun }: DecisionSite,
) {
  const history =
    needsHistory(input, state) && version !== "any"
      ? (await store.readStream(streamId, { toVersion: version })).map(toRecordedUserEvent)
      : undefined;
  return decideWithPassword(input, state, { now: new Date().toISOString(), history }, { dryRun });
}

/**
 * The user at a point of the past, for a dry run: right after `version` (404 if the user never
 * reached it), or at an effective instant as known now (the version is the latest of the events it folds).
 */
async function loadUserAt(store: EventStore, streamId: string, point: DecisionPoint): Promise<Loaded<UserState>> {
  if ("version" in point) {
    const { state } = await store.aggregateStream(streamId, userFold, { toVersion: point.version });
    const reached = state.status === "unregistered" ? 0 : state.version;
    if (reached !== point.version)
      throw new NotFound(
        `${streamId.replace(/^user-/, "User ")} has no version ${point.version}: it is at version ${reached}`,
      );
    return { state, version: reached };
  }
  // As known now, as GET /api/users/:id?at= shows the user.
  const state = await userEffectiveAt(store, streamId, point.effectiveAt);
  return { state, version: state.status === "unregistered" ? 0 : state.version };
}

/** The users table's unique email, read instead of written: another user with the address → 409, as the append would. */
async function checkEmailFree({ command, events }: Decision<UserCommandInput, UserState, UserEvent>): Promise<void> {
  const email = events.flatMap((event) =>
    event.type === "user.registered" || event.type === "user.email_changed" ? [event.data.email] : [],
  )[0];
  if (email === undefined) return;
  const { database } = await getServices();
  const taken = await database.query("SELECT 1 FROM users WHERE email = $1 AND id <> $2::uuid", [
    email,
    command.userId,
  ]);
  if (taken.length > 0) throw new EmailTaken(email);
}

/**
 * The user after each of the events, as the users row and the temporal index will hold them once
 * appended. They take their versions and times from the rows the append writes; the fold here gives
 * the events the versions they will have and the time they were decided at, all it knows before.
 */
function statesAfter(
  userId: string,
  state: UserState,
  version: number,
  events: UserEvent[],
): [RegisteredUser, ...RegisteredUser[]] {
  const decidedAt = new Date().toISOString();
  const states: RegisteredUser[] = [];
  let current = state;
  for (const [index, event] of events.entries()) {
    current = evolve(current, { ...event, version: version + index + 1, recordedAt: decidedAt });
    if (current.status === "unregistered") throw new Error(`Events of user ${userId} fold to no user`);
    states.push(current);
  }
  if (states.length === 0) throw new Error(`No events to write for user ${userId}`);
  return states as [RegisteredUser, ...RegisteredUser[]];
}

/**
 * What a user command's append writes beside its events, within its one statement: the users row,
 * the temporal index, the user's new key (with their first personal data), and the user's state as
 * the fold's snapshot.
 */
export function userInlineStatements(
  userId: string,
  decided: {
    before: UserState;
    version: number;
    events: UserEvent[];
    history?: RecordedUserEvent[];
    after: RegisteredUser;
    newKey?: Buffer;
  },
): Statement[] {
  const { before, version, events, history, after, newKey } = decided;
  return [
    upsertUserRow(after),
    ...recordUserVersions(userId, { before, version, events, history }),
    ...(newKey ? [storeUserKey(userId, newKey)] : []),
    ...snapshotAfter(userId, before, version, events),
  ];
}

// Personal data (names, emails, password hashes, reasons) goes into the log encrypted with the
// user's key; the first of it brings a new key, stored by the append's own statement (a refused
// command leaves no key behind, and a key stored meanwhile by another command fails the append).
async function writeUserEvents({
  command,
  context,
  streamId,
  state,
  version,
  events,
}: Decision<UserCommandInput, UserState, UserEvent>): Promise<AppendPlan> {
  const { database, store } = await getServices();
  const fromVersion = version === "any" ? 0 : version;
  const states = statesAfter(command.userId, state, fromVersion, events);
  // Dated events refold the user's effective timeline in the temporal index: that takes the stream.
  const history =
    fromVersion > 0 && events.some((event) => event.data.effectiveAt !== undefined)
      ? (await store.readStream(streamId, { toVersion: fromVersion })).map(toRecordedUserEvent)
      : undefined;
  const row = states[states.length - 1]!;
  const personal = needsUserKey(command.type, events, context.reason);
  const storedKey = personal ? await userKey(database, command.userId) : undefined;
  const newKey = personal && !storedKey ? newUserKey() : undefined;
  const key = storedKey ?? newKey;
  return {
    events: events.map((event) => (key ? encryptPersonalData(toNewEvent(event), streamId, key) : toNewEvent(event))),
    metadata: context.reason === undefined ? undefined : reasonMetadata(command.type, context.reason, streamId, key),
    inlineStatements: userInlineStatements(command.userId, {
      before: state,
      version: fromVersion,
      events,
      history,
      after: row,
      newKey,
    }),
    interpretFailure: (error) => (isUserKeyTaken(error) ? lostRace : asEmailTaken(error, row.email)),
  };
}

const handleUserCommand = commandHandler<UserCommandInput, UserState, UserEvent>({
  store: async () => (await getServices()).store,
  streamId: (command) => userStreamId(command.userId),
  load: (store, streamId, toVersion) => {
    forgetKeysRead();
    return store.aggregateStream(streamId, userFold, toVersion === undefined ? {} : { toVersion });
  },
  decide: decideUserCommand,
  evolve: (state, event) => evolve(state, toRecordedUserEvent(event)),
  plan: writeUserEvents,
  loadAt: loadUserAt,
  checkWithoutWriting: checkEmailFree,
  timeAppend: () => metrics().appendDuration.startTimer(),
});

/** Handles one user command; counted in the metrics by its type and outcome. */
export async function executeUserCommand(command: UserCommandInput, context: CommandContext): Promise<CommandOutcome> {
  try {
    const { state, recorded } = await withKeysReadOnce(() => handleUserCommand(command, context));
    if (state.status === "unregistered")
      throw new Error(`User stream of ${command.userId} folds to nothing after a command`);
    metrics().commands.inc({ command: command.type, outcome: recorded > 0 ? "recorded" : "unchanged" });
    return { user: viewOfState(state), recorded };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    metrics().commands.inc({
      command: command.type,
      outcome: typeof code === "string" && /^[a-z_]+$/.test(code) ? code : "error",
    });
    throw error;
  }
}

/** An event a dry run would record, as readers of the log would see it (password hashes redacted). */
export interface PreviewedEvent {
  type: string;
  data: Record<string, unknown>;
  /** When it would take effect: its effectiveAt, or the instant it would be recorded (now). */
  effectiveAt: string;
}

/** What a command would do, decided but not recorded. */
export interface CommandPreview {
  dryRun: true;
  /** The user the command was decided against: now, or at the version or effective instant asked for. */
  decidedAgainst: DecidedAgainst;
  events: PreviewedEvent[];
  /** The user before (null: a registration), and as the events would leave them. */
  before: UserView | null;
  state: UserView;
}

/**
 * A dry run of a user command: the same validation and rules (and the same refusals) as
 * `executeUserCommand`, against the user now or at `point`; nothing is written, hashed or counted.
 */
export async function previewUserCommand(
  command: UserCommandInput,
  context: CommandContext,
  point?: DecisionPoint,
): Promise<CommandPreview> {
  const { before, version, events, after } = await handleUserCommand.preview(command, context, point);
  if (after.status === "unregistered") throw new NotFound(`User ${command.userId} does not exist`);
  const decidedAt = new Date().toISOString();
  return {
    dryRun: true,
    decidedAgainst: decidedAgainst(point, version),
    events: events.map((event) => ({
      type: event.type,
      data: redactEventData(event.data as Record<string, unknown>),
      effectiveAt: ("effectiveAt" in event.data ? event.data.effectiveAt : undefined) ?? decidedAt,
    })),
    before: before.status === "unregistered" ? null : viewOfState(before),
    state: viewOfState(after),
  };
}
