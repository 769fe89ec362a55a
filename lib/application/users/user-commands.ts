// Command handling for users, always the same steps: read the stream → fold → decide → append
// with the expected version and the users table in the same transaction → the new state.
import {
  checkPassword,
  decide,
  evolve,
  initialUserState,
  userStreamId,
  type UserCommand,
  type UserState,
} from "../../domain/users";
import { WrongExpectedVersion, type EventStore } from "../../eventstore";
import { PreconditionFailed } from "../errors";
import { getServices } from "../services";
import { hashPassword } from "./passwords";
import { toNewEvent, toRecordedUserEvent } from "./user-events";
import { projectUserEvents } from "./users-projection";
import { viewOfState, type UserView } from "./user-view";

export interface CommandContext {
  actor: string;
  correlationId: string;
  /** Identifies the command: a retry with the same id appends nothing. Generated when absent. */
  commandId?: string;
  /** From If-Match: the version the caller last saw. A user at another version → PreconditionFailed. */
  expectedVersion?: number;
}

export interface CommandOutcome {
  user: UserView;
  /** How many events the command recorded (0 when nothing changed or it was a retry). */
  recorded: number;
}

/** Races lost to concurrent writers are retried this often when the caller sent no If-Match. */
const maxAttempts = 5;

async function loadUser(store: EventStore, streamId: string, toVersion?: number): Promise<{ state: UserState; version: number }> {
  return store.aggregateStream(
    streamId,
    { initialState: initialUserState, evolve: (state, event) => evolve(state, toRecordedUserEvent(event)) },
    toVersion === undefined ? {} : { toVersion },
  );
}

export async function executeUserCommand(command: UserCommand, context: CommandContext): Promise<CommandOutcome> {
  const { store } = await getServices();
  const streamId = userStreamId(command.userId);

  for (let attempt = 1; ; attempt++) {
    const { state, version } = await loadUser(store, streamId);
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      throw new PreconditionFailed(context.expectedVersion, version);
    }
    const events = decide(command, state);
    if (events.length === 0 && state.status !== "unregistered") return { user: viewOfState(state), recorded: 0 };

    try {
      const result = await store.appendToStream(streamId, events.map(toNewEvent), {
        expectedVersion: version === 0 ? "no_stream" : version,
        metadata: { commandId: context.commandId, correlationId: context.correlationId, actor: context.actor },
        inline: projectUserEvents,
      });
      const after = result.replayed
        ? (await loadUser(store, streamId, result.version)).state
        : result.events.reduce((current, event) => evolve(current, toRecordedUserEvent(event)), state);
      if (after.status === "unregistered") throw new Error(`User stream ${streamId} folds to nothing after an append`);
      return { user: viewOfState(after), recorded: result.replayed ? 0 : result.events.length };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (context.expectedVersion !== undefined) throw new PreconditionFailed(context.expectedVersion, error.actualVersion);
      if (attempt >= maxAttempts) throw error;
    }
  }
}

// Registration and password changes are validated before paying for a password hash (~50 ms of
// CPU): a dry run of decide on a new user reports every problem at once.
export async function registerUser(
  input: { userId: string; name: string; email: string; password: string },
  context: CommandContext,
): Promise<CommandOutcome> {
  decide({ type: "RegisterUser", ...input, passwordHash: "" }, initialUserState);
  return executeUserCommand({ type: "RegisterUser", ...input, passwordHash: await hashPassword(input.password) }, context);
}

export async function changePassword(input: { userId: string; password: string }, context: CommandContext): Promise<CommandOutcome> {
  checkPassword(input.password);
  return executeUserCommand({ type: "ChangePassword", ...input, passwordHash: await hashPassword(input.password) }, context);
}
