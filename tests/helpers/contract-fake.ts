/**
 * The base of the in-memory fakes of the contract (the renderer's FakeApi, the desktop's
 * FakeEngine, the web host's RecordingApi), built from the contract's tables: every event's
 * `on…` method over one set of listeners, and every command. A fake defines the commands its
 * tests need; any other (a command just added to src/shared/contract.ts) answers through
 * `unhandled`, so a new command or event needs no edit here.
 */
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  type AuthentaWatchApi,
  type CommandName,
  type EventName,
  type EventPayloads,
} from '../../src/shared/contract';
import { EventListeners, eventsOver } from '../../src/shared/contract-bridge';

abstract class ContractFakeBase {
  /** The listeners of every event; `emit` reaches them. */
  protected readonly events = new EventListeners();

  constructor() {
    const self = this as unknown as Record<string, unknown>;
    // A fake's own methods live on its prototype, so `in` sees them already here.
    for (const name of COMMAND_NAMES)
      if (!(name in this)) self[name] = (...args: unknown[]) => this.unhandled(name, args);
    const subscriptions = eventsOver(EVENT_NAMES, (name, listener) => this.events.add(name, listener));
    for (const [method, subscribe] of Object.entries(subscriptions))
      if (!(method in this)) self[method] = subscribe;
  }

  /** A command this fake defines no method for: record it, answer something. */
  protected abstract unhandled(name: CommandName, args: unknown[]): Promise<unknown>;

  /** Fire an event as the engine would. */
  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    this.events.emit(name, payload);
  }

  /** Listeners currently subscribed, over all events (hosts must drop theirs on close). */
  listenerCount(): number {
    return this.events.count();
  }
}

/** Extend this: the class is the whole contract, whatever it defines itself. */
export const ContractFake = ContractFakeBase as unknown as abstract new () => ContractFakeBase &
  AuthentaWatchApi;
