import { describe, expect, it, expectTypeOf } from 'vitest';
import type { z } from 'zod';
import type { COMMAND_ARGS } from '../../../src/shared/contract';
import {
  ContractError,
  EVENT_METHODS,
  EVENT_NAMES,
  isCommandName,
  parseArgs,
  type AuthentaWatchApi,
  type CommandName,
} from '../../../src/shared/contract';

describe('the contract', () => {
  it('gives every command of AuthentaWatchApi an argument schema whose input matches its parameters', () => {
    type Commands = Exclude<keyof AuthentaWatchApi, `on${string}`>;
    expectTypeOf<Commands>().toEqualTypeOf<CommandName>();
    type Agree = {
      [K in CommandName]: z.input<(typeof COMMAND_ARGS)[K]> extends Parameters<AuthentaWatchApi[K]>
        ? true
        : false;
    };
    expectTypeOf<Agree[CommandName]>().toEqualTypeOf<true>();
  });

  it('names a subscription method for every event', () => {
    expect(Object.keys(EVENT_METHODS).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('fills defaults into a job query and rejects out-of-range pages', () => {
    const [query] = parseArgs('listJobs', [{ search: 'clip' }]);
    expect(query).toMatchObject({ search: 'clip', sort: 'createdAt', order: 'desc', offset: 0, limit: 200 });
    expect(() => parseArgs('listJobs', [{ limit: 0 }])).toThrow(ContractError);
    expect(() => parseArgs('listJobs', [{ states: ['exploded'] }])).toThrow(/states/);
  });

  it('rejects malformed arguments with the command name in the message', () => {
    expect(() => parseArgs('retryJob', ['7'])).toThrow(/retryJob/);
    expect(() => parseArgs('retryJob', [-1])).toThrow(ContractError);
    expect(() => parseArgs('addPaths', [[]])).toThrow(ContractError);
    expect(() => parseArgs('setSecret', ['production', { password: 'x' }])).toThrow(ContractError);
    expect(parseArgs('setSecret', ['production', { apiKey: 'k' }])).toEqual(['production', { apiKey: 'k' }]);
  });

  it('knows its own commands only', () => {
    expect(isCommandName('getStatus')).toBe(true);
    expect(isCommandName('constructor')).toBe(false);
    expect(isCommandName('__proto__')).toBe(false);
    expect(() => parseArgs('nope' as CommandName, [])).toThrow(/Unknown command/);
  });
});
