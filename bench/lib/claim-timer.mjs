/**
 * Preloaded into a benchmark's CLI desks (`NODE_OPTIONS=--import=<this file>`): times every claim
 * of a queued file the ledger makes, as the desk sees it (the statement's round trip, the wait
 * for a pooled connection included), without touching the product's code. The claim is the one
 * statement that moves a row from `queued` to `creating` (`SET state = 'creating'`), on
 * PostgreSQL (`pg`'s Pool.query) and on SQLite (`better-sqlite3`'s Statement.get). Both
 * libraries stay external to the CLI bundle, so this process shares their module instances.
 *
 * The latencies (ms) go to `$BENCH_CLAIM_LOG/<pid>.json` every 2 s and at exit. Nothing is
 * written when BENCH_CLAIM_LOG is unset, nor from worker threads.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.BENCH_CLAIM_LOG;
const CLAIM = /SET state = 'creating'/;

if (dir && isMainThread) {
  const require = createRequire(import.meta.url);
  const latencies = [];
  const file = join(dir, `${process.pid}.json`);
  let written = -1;
  const flush = () => {
    if (latencies.length === written) return;
    written = latencies.length;
    writeFileSync(file, JSON.stringify(latencies));
  };
  setInterval(flush, 2_000).unref();
  process.on('exit', flush);

  const pg = require('pg');
  const poolQuery = pg.Pool.prototype.query;
  pg.Pool.prototype.query = function timedQuery(...args) {
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    if (typeof text !== 'string' || !CLAIM.test(text)) return poolQuery.apply(this, args);
    const t0 = performance.now();
    const done = () => latencies.push(performance.now() - t0);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last];
      args[last] = (...results) => {
        done();
        return cb(...results);
      };
      return poolQuery.apply(this, args);
    }
    const result = poolQuery.apply(this, args);
    if (result && typeof result.then === 'function') result.then(done, () => undefined);
    return result;
  };

  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  const get = Statement.get;
  Statement.get = function timedGet(...args) {
    if (!CLAIM.test(this.source)) return get.apply(this, args);
    const t0 = performance.now();
    try {
      return get.apply(this, args);
    } finally {
      latencies.push(performance.now() - t0);
    }
  };
}
