/**
 * The contract's names as the build compiles them into the IPC layer (`__AUTHENTA_CONTRACT__`,
 * see CONTRACT_DEFINE in src/shared/contract.ts), for the unit tests that load src/main/ipc*.ts
 * and the preload without a build.
 */
import { CONTRACT_NAMES } from '../../src/shared/contract';

Object.assign(globalThis, { __AUTHENTA_CONTRACT__: CONTRACT_NAMES });
