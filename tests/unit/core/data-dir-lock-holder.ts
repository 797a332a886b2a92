/**
 * A real process that takes a data folder's lock and keeps it until it is killed: the other
 * side of the data-dir-lock tests. Prints "locked <pid>" once it holds the lock.
 */
import { lockDataDir } from '../../../src/main/core/data-dir-lock';

lockDataDir(process.argv[2]!);
process.stdout.write(`locked ${process.pid}\n`);
setInterval(() => undefined, 60_000);
