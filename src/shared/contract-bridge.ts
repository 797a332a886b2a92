/**
 * Builds the two halves of the contract over any transport from the names of its tables, so no
 * bridge (preload, IPC handlers, desktop host, WebSocket client, test fakes) keeps a list of its
 * own: a command or event added to src/shared/contract.ts reaches all of them. Only type imports
 * from the contract: the sandboxed preload loads this file and must not pull zod in.
 */
import type { CommandApi, CommandName, EventApi, EventName, EventPayloads, Unsubscribe } from './contract';

/** The subscription method of an event: `jobsChanged` -> `onJobsChanged`. */
export type EventMethod<E extends string> = `on${Capitalize<E>}`;

/** The names of the contract's tables as plain data (what the preload is built from). */
export interface ContractNames {
  readonly commands: readonly CommandName[];
  readonly events: readonly EventName[];
}

/** An event's subscription method name. */
export function eventMethod<E extends string>(name: E): EventMethod<E> {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventMethod<E>;
}

/**
 * The command half of the API over one transport: each command hands its name and arguments to
 * `call` and answers what `call` answers. Complete when `names` is the whole table.
 */
export function commandsOver(
  names: readonly CommandName[],
  call: (name: CommandName, args: unknown[]) => Promise<unknown>,
): CommandApi {
  const commands = Object.fromEntries(names.map((name) => [name, (...args: unknown[]) => call(name, args)]));
  // Built from every name of the table, each forwarding its arguments: the shape of CommandApi.
  return commands as unknown as CommandApi;
}

/** A subscription to one event, however the transport delivers it. */
export type Listen = <E extends EventName>(
  name: E,
  listener: (payload: EventPayloads[E]) => void,
) => Unsubscribe;

/** The event half of the API over one transport: each `on…` method subscribes through `listen`. */
export function eventsOver(names: readonly EventName[], listen: Listen): EventApi {
  const methods = Object.fromEntries(
    names.map((name) => [
      eventMethod(name),
      (listener: (payload: EventPayloads[EventName]) => void) => listen(name, listener),
    ]),
  );
  // One method per event name of the table, each subscribing to its own event: the shape of EventApi.
  return methods as unknown as EventApi;
}

/** Calls one command of an implementation by name with arguments already validated against its schema. */
export function callCommand(api: CommandApi, name: CommandName, args: readonly unknown[]): Promise<unknown> {
  const method = api[name] as unknown as (...a: unknown[]) => Promise<unknown>;
  return method.apply(api, [...args]);
}

/** Subscribes to one event of an implementation by name. */
export function subscribeTo<E extends EventName>(
  api: EventApi,
  name: E,
  listener: (payload: EventPayloads[E]) => void,
): Unsubscribe {
  // TypeScript cannot tie the method name built from E back to E's payload; eventMethod does.
  const method = api[eventMethod(name)] as unknown as (l: (payload: EventPayloads[E]) => void) => Unsubscribe;
  return method.call(api, listener);
}

/**
 * Listener sets for the contract's events, for whoever emits them (test fakes, a host merging its
 * own events into the engine's). Emission goes to a copy of the set, so a listener may unsubscribe
 * while it runs.
 */
export class EventListeners {
  readonly #sets = new Map<EventName, Set<(payload: never) => void>>();

  /** Adds a listener; the answer removes it. */
  add<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe {
    let set = this.#sets.get(name);
    if (!set) this.#sets.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Hands the payload to every listener of the event. */
  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    for (const listener of [...(this.#sets.get(name) ?? [])])
      (listener as (payload: EventPayloads[E]) => void)(payload);
  }

  /** Listeners of one event, or of all of them. */
  count(name?: EventName): number {
    if (name) return this.#sets.get(name)?.size ?? 0;
    let n = 0;
    for (const set of this.#sets.values()) n += set.size;
    return n;
  }
}
