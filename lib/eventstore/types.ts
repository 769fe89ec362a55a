export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * What the caller expects the stream's version to be before the append:
 * a number (0 = no events yet), "no_stream", "stream_exists" (at least one event) or "any".
 */
export type ExpectedVersion = number | "no_stream" | "stream_exists" | "any";

/** An event about to be appended. */
export interface NewEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  type: Type;
  data: Data;
  /** Kept in this event's metadata beside what the append records (e.g. its schema version). */
  metadata?: JsonObject;
  /** When it happened, for imported and generated histories; overrides the append's recordedAt. */
  recordedAt?: Date;
}

/** Who and what caused an append; stored on every event it writes. */
export interface AppendMetadata {
  /** Identifies the command: an append whose command id is already recorded on the stream is a retry. */
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** Anything else the caller wants kept beside the event (must be JSON). */
  extra?: JsonObject;
}

export interface EventMetadata {
  eventId: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  [key: string]: JsonValue;
}

export interface RecordedEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  /** Global position: unique across all streams, increasing within one append. */
  position: number;
  streamId: string;
  streamType: string;
  /** 1-based, gap-free within the stream. */
  version: number;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult {
  /** The stream's version after the append: its next expected version. */
  version: number;
  events: RecordedEvent[];
  /** True when the command id had been recorded already: nothing was appended, this is the original result. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
  /** Only events recorded at or before this instant. */
  until?: Date;
}

export interface ReadAllOptions {
  /** Continue after the event at this position (0, the default, starts at the beginning). */
  after?: number;
  limit?: number;
  /**
   * Of the `limit` events read, hand out (and pass through the read transform) only those of these
   * types; `lastPosition` and `scanned` still cover every event read. For projections, which must
   * move past every event but look at few.
   */
  keepTypes?: readonly string[];
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** The position to pass as `after` next time: the last event read, or `after` itself when none. */
  lastPosition: number;
  /** How many events were read (more than `events.length` when `keepTypes` left some out). */
  scanned: number;
}

export interface Fold<State, Event extends RecordedEvent = RecordedEvent> {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  /**
   * Keep snapshots of this fold's state every `every` versions (the state must be plain JSON).
   * Raise `version` whenever evolve or the state's shape changes: older snapshots are then ignored.
   */
  snapshots?: { name: string; version: number; every: number };
}

export interface AggregateResult<State> {
  state: State;
  /** The version of the last event folded; 0 when none was. */
  version: number;
}
