import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, EVENT_METHODS, EVENT_NAMES } from '../../../src/shared/contract';
import {
  EventListeners,
  callCommand,
  commandsOver,
  eventMethod,
  eventsOver,
  subscribeTo,
} from '../../../src/shared/contract-bridge';

describe('the contract bridge', () => {
  it('names each event’s subscription method', () => {
    expect(EVENT_NAMES.map(eventMethod)).toEqual([
      'onJobsChanged',
      'onStatus',
      'onProgress',
      'onOpenJob',
      'onTeamLedger',
    ]);
    expect(EVENT_NAMES.map((name) => EVENT_METHODS[name])).toEqual(EVENT_NAMES.map(eventMethod));
  });

  it('hands every command its own name and exactly the arguments given', async () => {
    const calls: unknown[][] = [];
    const api = commandsOver(COMMAND_NAMES, async (name, args) => calls.push([name, ...args]));
    await api.retryJob(7);
    await api.testConnection('p1');
    await callCommand(api, 'setReview', [3, { status: 'cleared' }]);
    expect(calls).toEqual([
      ['retryJob', 7],
      ['testConnection', 'p1'],
      ['setReview', 3, { status: 'cleared' }],
    ]);
  });

  it('subscribes, delivers and unsubscribes each event by name', () => {
    const listeners = new EventListeners();
    const api = eventsOver(EVENT_NAMES, (name, listener) => listeners.add(name, listener));
    const seen: unknown[] = [];
    const stop = api.onOpenJob((id) => seen.push(id));
    const stopStatus = subscribeTo(api, 'progress', (p) => seen.push(p.length));
    expect([listeners.count('openJob'), listeners.count()]).toEqual([1, 2]);
    listeners.emit('openJob', 5);
    listeners.emit('progress', []);
    stop();
    stopStatus();
    listeners.emit('openJob', 6);
    expect(seen).toEqual([5, 0]);
    expect(listeners.count()).toBe(0);
  });

  it('lets a listener unsubscribe while the event is delivered', () => {
    const listeners = new EventListeners();
    const seen: string[] = [];
    const first = listeners.add('openJob', () => {
      seen.push('first');
      first();
    });
    listeners.add('openJob', () => seen.push('second'));
    listeners.emit('openJob', 1);
    listeners.emit('openJob', 2);
    expect(seen).toEqual(['first', 'second', 'second']);
  });
});
