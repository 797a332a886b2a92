/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temp folder, `pg_ctl` on a free port of
 * 127.0.0.1, password authentication over TCP (so a wrong password is a real refusal), stopped and
 * deleted by `dispose()`. Tests create their own databases (`createDatabase`) and drop them.
 *
 * As root, initdb and the server run as the `postgres` user (`su postgres -s /bin/sh -c ...`),
 * since PostgreSQL refuses to run as root; otherwise they run as the current user.
 *
 * When the server binaries are missing, `startPostgres` throws an error that says what to install:
 * tests that need PostgreSQL fail loudly instead of being skipped.
 *
 *   let pg: PostgresCluster;
 *   beforeAll(async () => { pg = await startPostgres(); }, 120_000);
 *   afterAll(() => pg?.dispose());
 *   const db = await pg.createDatabase();  // a fresh database; db.url has the password in it
 *   ...
 *   await db.drop();
 *
 * A test file that wants one cluster for all its tests calls `usePostgresCluster()` at its top:
 *
 *   const cluster = usePostgresCluster();             // started before the first test, disposed after the last
 *   db = await cluster.databaseForTest('aw_team');    // dropped after the test (after the file's own afterEach)
 *   const db = cluster.databaseForFile('aw_ledger');  // or one for the whole file, dropped after its last test
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { unusedPort } from './ports';

const run = promisify(execFile);

/** What to install when the binaries are missing: said in every failure. */
export const POSTGRES_MISSING_HINT =
  "PostgreSQL's server programs (initdb, pg_ctl) were not found. The ledger tests need a real " +
  "PostgreSQL: install Debian's `postgresql` package (`sudo apt-get install postgresql`, or run " +
  '`sudo bash scripts/setup-ci.sh`), or set AUTHENTA_PG_BIN to the folder that holds initdb and pg_ctl.';

/** One database of the throwaway cluster. */
export interface TestDatabase {
  name: string;
  /** postgres://user:password@127.0.0.1:port/name */
  url: string;
  drop(): Promise<void>;
}

/** A running throwaway cluster. */
export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The folder holding the cluster's data and its server log. */
  dataDir: string;
  /** A URL for `database` (the maintenance database by default). */
  url(database?: string): string;
  /** Create an empty database with a unique name; drop it when done. */
  createDatabase(prefix?: string): Promise<TestDatabase>;
  /** Stop the server (fast shutdown), keeping the data: what a crashed or restarted server looks like. */
  stop(): Promise<void>;
  /**
   * Kill the server the way a crash or a power cut does (immediate shutdown: nothing flushed that
   * was not already on its way to disk), keeping the data; `start()` recovers it.
   */
  crash(): Promise<void>;
  /** Start it again on the same port after `stop()`. */
  start(): Promise<void>;
  /** The server log so far (for a failing test's message). */
  log(): string;
  /** Stop the server and delete its folder. */
  dispose(): Promise<void>;
}

/** The folder holding initdb and pg_ctl: AUTHENTA_PG_BIN, the newest /usr/lib/postgresql/N/bin, or PATH. */
export function findPostgresBin(): string {
  const fromEnv = process.env.AUTHENTA_PG_BIN;
  if (fromEnv) {
    if (existsSync(join(fromEnv, 'initdb')) && existsSync(join(fromEnv, 'pg_ctl'))) return fromEnv;
    throw new Error(`AUTHENTA_PG_BIN=${fromEnv} holds no initdb and pg_ctl. ${POSTGRES_MISSING_HINT}`);
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = join(debian, v, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(POSTGRES_MISSING_HINT);
}

/** Quote one word for /bin/sh. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const clusters = new Set<{ stopSync: () => void }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A worker that ends without afterAll (a crash, a timeout) must not leave servers behind.
  process.once('exit', () => {
    for (const c of clusters) c.stopSync();
  });
}

/** How the throwaway cluster runs. */
export interface StartPostgresOptions {
  /**
   * Keep PostgreSQL's durability (fsync, full page writes) as a real server has it: for
   * benchmarks. Tests leave it off (default): nothing needs to survive a machine crash there.
   */
  durable?: boolean;
}

/** Start a throwaway cluster. Fails (never skips) when PostgreSQL is not installed. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const dataRoot = mkdtempSync(join(tmpdir(), 'aw-pg-'));
  const dataDir = join(dataRoot, 'data');
  const user = asRoot ? 'postgres' : userInfo().username;
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const pwFile = join(dataRoot, 'pw');
  writeFileSync(pwFile, password, { mode: 0o600 });
  if (asRoot) {
    let owner: { uid: number; gid: number };
    try {
      owner = {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      rmSync(dataRoot, { recursive: true, force: true });
      throw new Error(`There is no \`postgres\` user to run the test server as. ${POSTGRES_MISSING_HINT}`);
    }
    chownSync(dataRoot, owner.uid, owner.gid);
    chownSync(pwFile, owner.uid, owner.gid);
  }

  /** Run a server program as the user that owns the cluster. */
  const runAs = async (program: string, args: string[]): Promise<string> => {
    const exe = join(bin, program);
    try {
      const { stdout } = asRoot
        ? await run('su', ['postgres', '-s', '/bin/sh', '-c', [exe, ...args].map(sh).join(' ')], {
            timeout: 120_000,
          })
        : await run(exe, args, { timeout: 120_000 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${program} failed: ${err.stderr || err.stdout || err.message}`);
    }
  };
  const runAsSync = (program: string, args: string[]): void => {
    const exe = join(bin, program);
    try {
      if (asRoot)
        execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', [exe, ...args].map(sh).join(' ')], {
          stdio: 'ignore',
        });
      else execFileSync(exe, args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  };

  try {
    await runAs('initdb', [
      '-D',
      dataDir,
      '-U',
      user,
      `--pwfile=${pwFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
  } catch (e) {
    rmSync(dataRoot, { recursive: true, force: true });
    throw e;
  }
  rmSync(pwFile, { force: true });

  // Below the kernel's ephemeral range: while the server is stopped (tests stop it and start it
  // again on the same port), no `listen(0)` or outgoing connection elsewhere can take its port.
  let port = await unusedPort();
  const logFile = join(dataRoot, 'server.log');
  const serverOptions = (): string =>
    [
      `-c port=${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${dataRoot}`,
      // A test cluster: no durability across a machine crash is needed, and the cores are shared.
      // Commits made without synchronous_commit wait up to 10 s in memory, so a crash test sees
      // exactly which commits were durable.
      ...(options.durable ? [] : [`-c fsync=off`, `-c full_page_writes=off`, `-c wal_writer_delay=10000`]),
      `-c max_connections=200`,
    ].join(' ');
  const startServer = async (): Promise<void> => {
    await runAs('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions(), '-w', '-t', '120', 'start']);
  };
  const stopServer = async (): Promise<void> => {
    await runAs('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  };
  let running = false;
  const handle = {
    stopSync: () => {
      if (running) runAsSync('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
  try {
    // Another cluster started at the same moment may have picked the same port: then another one.
    for (let attempt = 1; ; attempt++) {
      try {
        await startServer();
        break;
      } catch (e) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(log)) throw e;
        port = await unusedPort();
      }
    }
    running = true;
  } catch (e) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    rmSync(dataRoot, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  clusters.add(handle);
  installExitHook();

  const host = '127.0.0.1';
  const url = (database = 'postgres'): string =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  let counter = 0;

  return {
    host,
    port,
    user,
    password,
    dataDir: dataRoot,
    url,
    async createDatabase(prefix = 'aw_test') {
      const name = `${prefix}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE "${name}"`));
      return {
        name,
        url: url(name),
        drop: () =>
          admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
      };
    },
    async stop() {
      await stopServer();
      running = false;
    },
    async crash() {
      await runAs('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async start() {
      await startServer();
      running = true;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async dispose() {
      clusters.delete(handle);
      if (running) {
        await runAs('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        running = false;
      }
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/** The cluster of one test file (see `usePostgresCluster`). */
export interface FilePostgresCluster extends PostgresCluster {
  /** A fresh database (as `createDatabase`) that is dropped once the current test has ended. */
  databaseForTest(prefix?: string): Promise<TestDatabase>;
  /**
   * A database for every test of the file: created before the first test (beforeAll) and dropped
   * after the last (afterAll), both registered by this call. Read its fields inside tests and hooks.
   */
  databaseForFile(prefix?: string): TestDatabase;
}

/**
 * One throwaway cluster for the tests of a file: started before the first test (beforeAll), disposed
 * after the last (afterAll). The object returned stands for the running cluster (its fields and
 * methods are the cluster's), so tests use it as they would the cluster itself. Databases made
 * with `databaseForTest` are dropped after each test.
 *
 * Call it at the top of the file, before the file's own hooks: vitest runs after-hooks in the
 * reverse order of their registration (`sequence.hooks: 'stack'`, its default), so the file's own
 * afterEach (closing engines and ledgers) runs before the databases are dropped, and its own
 * afterAll before the cluster is disposed.
 */
export function usePostgresCluster(options: StartPostgresOptions = {}): FilePostgresCluster {
  let running: PostgresCluster | null = null;
  const forTest: TestDatabase[] = [];
  const the = (): PostgresCluster => {
    if (!running) throw new Error('The test cluster is not running: use it inside tests and hooks.');
    return running;
  };
  beforeAll(async () => {
    running = await startPostgres(options);
  }, 120_000);
  afterAll(async () => {
    await running?.dispose();
  }, 60_000);
  afterEach(async () => {
    for (const db of forTest.splice(0)) await db.drop();
  });
  return {
    get host() {
      return the().host;
    },
    get port() {
      return the().port;
    },
    get user() {
      return the().user;
    },
    get password() {
      return the().password;
    },
    get dataDir() {
      return the().dataDir;
    },
    url: (database) => the().url(database),
    createDatabase: (prefix) => the().createDatabase(prefix),
    async databaseForTest(prefix) {
      const db = await the().createDatabase(prefix);
      forTest.push(db);
      return db;
    },
    databaseForFile(prefix) {
      let db: TestDatabase | null = null;
      const made = (): TestDatabase => {
        if (!db) throw new Error('The file database is not made yet: use it inside tests and hooks.');
        return db;
      };
      beforeAll(async () => {
        db = await the().createDatabase(prefix);
      });
      afterAll(async () => {
        await db?.drop();
      });
      return {
        get name() {
          return made().name;
        },
        get url() {
          return made().url;
        },
        drop: () => made().drop(),
      };
    },
    stop: () => the().stop(),
    crash: () => the().crash(),
    start: () => the().start(),
    log: () => the().log(),
    dispose: () => the().dispose(),
  };
}
