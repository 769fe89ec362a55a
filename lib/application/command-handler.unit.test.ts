// The generic handler's steps over a store in memory: a counter stream whose state is its total.
import { describe, expect, it } from "vitest";
import {
  WrongExpectedVersion,
  type AppendOptions,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from "../eventstore";
import { commandHandler, lostRace, type AppendPlan } from "./command-handler";
import { PreconditionFailed } from "./errors";

type Add = { counter: string; amount: number };
type Added = { type: "added"; data: { amount: number } };

/** A stream in memory; `beforeAppend` runs before each append (a concurrent writer, a failure). */
function memoryStore(beforeAppend: (attempt: number) => Promise<void> | void = () => {}) {
  const events: RecordedEvent[] = [];
  let attempts = 0;
  const record = (streamId: string, event: NewEvent, commandId: string) => {
    events.push({
      ...event,
      position: events.length + 1,
      streamId,
      streamType: "counter",
      version: events.length + 1,
      metadata: {
        eventId: String(events.length),
        commandId,
        correlationId: "c",
        causationId: commandId,
        actor: "test",
      },
      recordedAt: new Date(),
    });
    return events.at(-1)!;
  };
  const store = {
    async appendToStream(streamId: string, newEvents: NewEvent[], options: AppendOptions) {
      await beforeAppend(++attempts);
      const commandId = options.metadata?.commandId ?? `command-${attempts}`;
      const original = events.filter((event) => event.metadata.commandId === commandId);
      if (original.length > 0) return { version: original.at(-1)!.version, events: original, replayed: true };
      const expected = options.expectedVersion === "no_stream" ? 0 : options.expectedVersion;
      if (expected !== "any" && expected !== events.length)
        throw new WrongExpectedVersion(streamId, expected, events.length);
      const recorded = newEvents.map((event) => record(streamId, event, commandId));
      return { version: events.length, events: recorded, replayed: false };
    },
    async aggregateStream<State>(
      _: string,
      fold: { initialState: State; evolve: (s: State, e: RecordedEvent) => State },
      options = {},
    ) {
      const toVersion = (options as { toVersion?: number }).toVersion ?? events.length;
      const folded = events.slice(0, toVersion);
      return { state: folded.reduce(fold.evolve, fold.initialState), version: folded.length };
    },
  } as unknown as EventStore;
  return {
    store,
    events,
    attempts: () => attempts,
    outsider: () => record("counter-1", { type: "added", data: { amount: 100 } }, "outsider"),
  };
}

const evolve = (total: number, event: RecordedEvent) => total + (event.data.amount as number);

function counterHandler(store: EventStore, plan?: (events: Added[]) => AppendPlan) {
  return commandHandler<Add, number, Added>({
    store: async () => store,
    streamId: (command) => `counter-${command.counter}`,
    load: (on, streamId, toVersion) =>
      on.aggregateStream(streamId, { initialState: 0, evolve }, toVersion === undefined ? {} : { toVersion }),
    decide: (command) => (command.amount === 0 ? [] : [{ type: "added", data: { amount: command.amount } }]),
    evolve,
    ...(plan ? { plan: ({ events }) => plan(events) } : {}),
  });
}

const context = { actor: "test", correlationId: "c" };

describe("commandHandler", () => {
  it("previews a command: the decided events and the state after them, and no append", async () => {
    const { store, events, attempts } = memoryStore();
    const handle = counterHandler(store);
    await handle({ counter: "1", amount: 2 }, context);
    const preview = await handle.preview({ counter: "1", amount: 3 }, context);
    expect(preview).toEqual({
      before: 2,
      version: 1,
      point: undefined,
      events: [{ type: "added", data: { amount: 3 } }],
      after: 5,
    });
    expect([events.length, attempts()]).toEqual([1, 1]);
    await expect(handle.preview({ counter: "1", amount: 3 }, { ...context, expectedVersion: 0 })).rejects.toEqual(
      new PreconditionFailed(0, 1),
    );
  });

  it("refuses a preview at a past point from a stream type that cannot load one", async () => {
    const { store } = memoryStore();
    await expect(counterHandler(store).preview({ counter: "1", amount: 3 }, context, { version: 1 })).rejects.toThrow(
      "no dry run against a past point",
    );
  });

  it("appends the decided events at the version it read and answers the state after them", async () => {
    const { store, events } = memoryStore();
    const handle = counterHandler(store);
    expect(await handle({ counter: "1", amount: 2 }, context)).toEqual({ state: 2, recorded: 1 });
    expect(await handle({ counter: "1", amount: 3 }, context)).toEqual({ state: 5, recorded: 1 });
    expect(events.map((event) => event.version)).toEqual([1, 2]);
  });

  it("appends nothing when the decision is no events", async () => {
    const { store, attempts } = memoryStore();
    expect(await counterHandler(store)({ counter: "1", amount: 0 }, context)).toEqual({ state: 0, recorded: 0 });
    expect(attempts()).toBe(0);
  });

  it("without If-Match, decides again on the new state after a lost race, and lands", async () => {
    const memory = memoryStore((attempt) => {
      if (attempt === 1) memory.outsider();
    });
    expect(await counterHandler(memory.store)({ counter: "1", amount: 2 }, context)).toEqual({
      state: 102,
      recorded: 1,
    });
    expect(memory.attempts()).toBe(2);
  });

  it("with If-Match, answers PreconditionFailed for another version, and for a race lost before the append", async () => {
    const memory = memoryStore((attempt) => {
      if (attempt === 1) memory.outsider();
    });
    const handle = counterHandler(memory.store);
    await expect(handle({ counter: "1", amount: 2 }, { ...context, expectedVersion: 3 })).rejects.toEqual(
      new PreconditionFailed(3, 0),
    );
    await expect(handle({ counter: "1", amount: 2 }, { ...context, expectedVersion: 0 })).rejects.toEqual(
      new PreconditionFailed(0, 1),
    );
    expect(memory.events).toHaveLength(1);
  });

  it("tries again when the stream type says a failure was a lost race, and throws what it says otherwise", async () => {
    const memory = memoryStore(() => {
      throw new Error("refused by an inline statement");
    });
    const interpretations: unknown[] = [lostRace, new Error("in the stream type's terms")];
    const handle = counterHandler(memory.store, (events) => ({
      events,
      interpretFailure: () => interpretations.shift(),
    }));
    await expect(handle({ counter: "1", amount: 2 }, context)).rejects.toThrow("in the stream type's terms");
    expect(memory.attempts()).toBe(2);
  });

  it("answers a replayed command with the state it left, recording nothing", async () => {
    const { store, events } = memoryStore();
    const handle = counterHandler(store);
    await handle({ counter: "1", amount: 2 }, { ...context, commandId: "once" });
    await handle({ counter: "1", amount: 5 }, context);
    expect(await handle({ counter: "1", amount: 2 }, { ...context, commandId: "once", expectedVersion: 2 })).toEqual({
      state: 2,
      recorded: 0,
    });
    expect(events).toHaveLength(2);
  });
});
