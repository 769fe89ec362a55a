// Given (past events) / When (a command) / Then (new events, or an error): the shape of every
// decider test, after Emmett's DeciderSpecification. The caller supplies its decider and how a
// history folds into the state the decider sees.
import { expect } from "vitest";

export interface Decider<Command, Event, State> {
  /** `history` is the Given itself, for a decider that looks past the folded state (a dated command). */
  decide: (command: Command, state: State, history: Event[]) => Event[];
  /** The state after `history`, as the application would load it. */
  fold: (history: Event[]) => State;
}

export function deciderSpecification<Command, Event, State>({ decide, fold }: Decider<Command, Event, State>) {
  return (...history: Event[]) => {
    const state = fold(history);
    return {
      when: (command: Command) => ({
        then: (expected: Event[]) => expect(decide(command, state, history)).toEqual(expected),
        thenFails: (error: new (...args: never[]) => Error, details?: Record<string, unknown>) => {
          let thrown: unknown;
          try {
            decide(command, state, history);
          } catch (caught) {
            thrown = caught;
          }
          expect(thrown).toBeInstanceOf(error);
          if (details) expect(thrown).toMatchObject(details);
        },
      }),
    };
  };
}
