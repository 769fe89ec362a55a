// Command handling, the same steps for every stream type (after Emmett's CommandHandler): load the
// stream's state and version → decide → append with that version as the expected one (inline
// projections in the same statement) → the state after the recorded events. A stream type gives
// only what is its own: its stream, how its state is loaded and evolved, how its events are written.
import type { Statement } from "../db/database";
import {
  WrongExpectedVersion,
  type EventStore,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
} from "../eventstore";
import { PreconditionFailed } from "./errors";
import { inTurn, pauseAfterLostRace, takingTurns } from "./stream-turns";

export interface CommandContext {
  actor: string;
  correlationId: string;
  /** Identifies the command: a retry with the same id appends nothing. Generated when absent. */
  commandId?: string;
  /** From If-Match: the version the caller last saw. A stream at another version → PreconditionFailed. */
  expectedVersion?: number;
  /** Why, as the caller says: kept in the events' metadata for the audit trail. */
  reason?: string;
}

/** An event as decided: its type and data, in clear. */
export interface DecidedEvent {
  type: string;
  data: object;
}

/**
 * A stream's state and version as a command meets it. `"any"`: a stream whose events record what
 * happened rather than decide on what was (an audit trail); they are appended wherever it stands.
 */
export interface Loaded<State> {
  state: State;
  version: number | "any";
}

/** Where a decision's state was loaded from. */
export interface DecisionSite {
  store: EventStore;
  streamId: string;
  version: number | "any";
  /** A dry run: nothing decided will be written, so work done only for the writing (a password hash) is skipped. */
  dryRun?: boolean;
}

/** A point of the stream's past a dry run decides against: right after a version, or at an effective instant. */
export type DecisionPoint = { version: number } | { effectiveAt: string };

/** Where a dry run's decision stood, as its answer says it: now, or the version or instant asked for. */
export interface DecidedAgainst {
  point: "now" | "version" | "at";
  version: number;
  at?: string;
}

export function decidedAgainst(point: DecisionPoint | undefined, version: number | "any"): DecidedAgainst {
  return {
    point: point === undefined ? "now" : "version" in point ? "version" : "at",
    version: version === "any" ? 0 : version,
    ...(point !== undefined && "effectiveAt" in point ? { at: point.effectiveAt } : {}),
  };
}

/** What a command would record, decided but not written (a dry run). */
export interface Preview<State, Event extends DecidedEvent> {
  /** The state the events were decided on, and where it stands: now, or at the point asked for. */
  before: State;
  version: number | "any";
  point?: DecisionPoint;
  events: Event[];
  /** The state the events would lead to, when folded onto `before` as if recorded now. */
  after: State;
}

/** What one attempt decided: the hooks that write it get all of it. */
export interface Decision<Command, State, Event extends DecidedEvent> {
  command: Command;
  context: CommandContext;
  streamId: string;
  /** The state the events were decided on, at `version`. */
  state: State;
  version: number | "any";
  events: Event[];
}

/** How decided events are written. */
export interface AppendPlan {
  events: NewEvent[];
  /** Kept in every event's metadata beside who did it. */
  metadata?: JsonObject;
  /** Inline projections, run within the append's own statement: all of them are written, or nothing. */
  inlineStatements?: Statement[];
  /**
   * The append failed with `error`: a race lost in a way the store cannot tell (`"lost race"`: tried
   * again like a version conflict), or the error to throw in the stream type's own terms.
   */
  interpretFailure?: (error: unknown) => unknown;
}

export const lostRace = "lost race";

export interface CommandHandlerDefinition<Command, State, Event extends DecidedEvent> {
  store: () => Promise<EventStore>;
  streamId: (command: Command) => string;
  /** The stream's state now, or at `toVersion` (what a replayed command had left). */
  load: (store: EventStore, streamId: string, toVersion?: number) => Promise<Loaded<State>>;
  /**
   * The command's events given the state (and where it was loaded from, for a decision that needs
   * more of the stream); called again after a lost race, so it must not write.
   */
  decide: (command: Command, state: State, site: DecisionSite) => Promise<Event[]> | Event[];
  /** The state after one recorded event, whose data is the decided one (in clear). */
  evolve: (state: State, event: RecordedEvent) => State;
  /** What the store appends for the decided events. Defaults to the events as they are. */
  plan?: (decision: Decision<Command, State, Event>) => Promise<AppendPlan> | AppendPlan;
  /** The state at a point of the stream's past, for a dry run that asks "would this have been accepted then?". */
  loadAt?: (store: EventStore, streamId: string, point: DecisionPoint) => Promise<Loaded<State>>;
  /**
   * What the append itself would refuse (a unique index, say), checked by reading instead: a dry run
   * answers the same refusal as the command would, though it writes nothing.
   */
  checkWithoutWriting?: (decision: Decision<Command, State, Event>) => Promise<void>;
  /** Starts timing one append; returns the function that stops it. */
  timeAppend?: () => () => void;
}

export interface Handled<State> {
  state: State;
  /** How many events the command recorded (0 when nothing changed or it was a retry). */
  recorded: number;
}

/**
 * Without If-Match, a command that lost a race to a concurrent writer is tried again until it
 * lands; once its turn has come, for at most this long (writers in other processes can keep
 * winning, in theory).
 */
const lostRaceDeadlineMs = 10_000;

type Attempt<State> = { landed: true; handled: Handled<State> } | { landed: false; lostTo: WrongExpectedVersion };

/** The handler of one stream type: `handle(command, context)`, and `preview` for a dry run. */
export function commandHandler<Command, State, Event extends DecidedEvent>(
  definition: CommandHandlerDefinition<Command, State, Event>,
) {
  const plan =
    definition.plan ??
    ((decision): AppendPlan => ({
      events: decision.events.map(({ type, data }) => ({ type, data: data as JsonObject })),
    }));

  async function lostRaceOn(
    store: EventStore,
    streamId: string,
    version: number | "any",
  ): Promise<WrongExpectedVersion> {
    const now = (await definition.load(store, streamId)).version;
    return new WrongExpectedVersion(streamId, version, now === "any" ? 0 : now);
  }

  /** One load → decide → append; a race lost to a concurrent writer comes back as such, without If-Match. */
  async function attempt(command: Command, context: CommandContext, streamId: string): Promise<Attempt<State>> {
    const store = await definition.store();
    const { state, version } = await definition.load(store, streamId);
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      if (version === "any") throw new Error(`${streamId} is appended to anywhere: If-Match means nothing there`);
      throw new PreconditionFailed(context.expectedVersion, version);
    }
    const events = await definition.decide(command, state, { store, streamId, version });
    if (events.length === 0) return { landed: true, handled: { state, recorded: 0 } };

    const written = await plan({ command, context, streamId, state, version, events });
    try {
      const stopTimer = definition.timeAppend?.();
      const result = await store
        .appendToStream(streamId, written.events, {
          expectedVersion: version === "any" ? "any" : version === 0 ? "no_stream" : version,
          metadata: {
            commandId: context.commandId,
            correlationId: context.correlationId,
            actor: context.actor,
            ...(written.metadata === undefined ? {} : { extra: written.metadata }),
          },
          inlineStatement: written.inlineStatements,
        })
        .finally(stopTimer);
      if (result.replayed)
        return {
          landed: true,
          handled: { state: (await definition.load(store, streamId, result.version)).state, recorded: 0 },
        };
      // The events as decided (in clear), at the versions and times the append gave them.
      const after = result.events.reduce(
        (current, event, index) => definition.evolve(current, { ...event, data: events[index]!.data as JsonObject }),
        state,
      );
      return { landed: true, handled: { state: after, recorded: result.events.length } };
    } catch (error) {
      const interpreted = written.interpretFailure ? written.interpretFailure(error) : error;
      const lostTo = interpreted === lostRace ? await lostRaceOn(store, streamId, version) : interpreted;
      if (!(lostTo instanceof WrongExpectedVersion)) throw lostTo;
      if (context.expectedVersion !== undefined)
        throw new PreconditionFailed(context.expectedVersion, lostTo.actualVersion);
      return { landed: false, lostTo };
    }
  }

  /**
   * A dry run: the same load, If-Match check and decision as `handle`, at the state now or at `point`,
   * and the state the events would lead to; nothing is appended, so nothing can race.
   */
  async function preview(
    command: Command,
    context: CommandContext,
    point?: DecisionPoint,
  ): Promise<Preview<State, Event>> {
    const streamId = definition.streamId(command);
    const store = await definition.store();
    const current = await definition.load(store, streamId);
    if (context.expectedVersion !== undefined && context.expectedVersion !== current.version) {
      if (current.version === "any")
        throw new Error(`${streamId} is appended to anywhere: If-Match means nothing there`);
      throw new PreconditionFailed(context.expectedVersion, current.version);
    }
    if (point !== undefined && !definition.loadAt) throw new Error(`${streamId}: no dry run against a past point`);
    const { state, version } = point === undefined ? current : await definition.loadAt!(store, streamId, point);
    const events = await definition.decide(command, state, { store, streamId, version, dryRun: true });
    if (events.length > 0)
      await definition.checkWithoutWriting?.({ command, context, streamId, state, version, events });
    const recordedAt = new Date();
    const after = events.reduce(
      (folded, event, index) =>
        definition.evolve(folded, {
          position: 0,
          streamId,
          streamType: "",
          version: (version === "any" ? 0 : version) + index + 1,
          type: event.type,
          data: event.data as JsonObject,
          metadata: {
            eventId: "",
            commandId: context.commandId ?? "",
            correlationId: context.correlationId,
            causationId: "",
            actor: context.actor,
          },
          recordedAt,
        }),
      state,
    );
    return { before: state, version, point, events, after };
  }

  async function handle(command: Command, context: CommandContext): Promise<Handled<State>> {
    const streamId = definition.streamId(command);
    // Optimistic first: the uncontended command costs no lock and no extra round trip. With If-Match
    // this is the only attempt: a lost race is a 412.
    if (context.expectedVersion !== undefined || !takingTurns(streamId)) {
      const first = await attempt(command, context, streamId);
      if (first.landed) return first.handled;
    }
    // A race lost without If-Match: the caller asked for last-writer-wins. The commands of this process
    // that lost one take turns on the stream (waiting in memory, not on the database), and newcomers
    // join them, so a retry can only lose to another process: that is waited out with jittered back-off.
    return inTurn(streamId, async () => {
      const deadline = Date.now() + lostRaceDeadlineMs;
      for (let retry = 1; ; retry++) {
        const next = await attempt(command, context, streamId);
        if (next.landed) return next.handled;
        if (Date.now() >= deadline) throw next.lostTo;
        await pauseAfterLostRace(retry, deadline);
      }
    });
  }

  return Object.assign(handle, { preview });
}
