/**
 * What the e2e tests read off the screen and do on it, in the words of a user: the rows of the
 * queue with their state and verdict, banners, the details panel; plus an axe-core check, the
 * simulator a test controls (faults, quotas, credits, a network that goes away) and a small CSV
 * reader for exported reports. Everything waits for conditions; nothing sleeps for a fixed time.
 */
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/main/sim';
import { ROOT, screenshot, waitUntil } from './harness';

/** One row of the queue as the user sees it. */
export interface RowView {
  id: number;
  name: string;
  /** The ledger state the row shows (data-state). */
  state: string;
  /** The verdict label ('' while there is none). */
  verdict: string;
  /** The verdict's word on the badge ("Fake", "Authentic", ...), or ''. */
  badge: string;
  /** "97%" or ''. */
  confidence: string;
  /** "1/3 faces fake", "no face" or ''. */
  faces: string;
  /** Why a failed or blocked row stopped, in words, or ''. */
  code: string;
}

/** Every rendered row of the queue (the list is virtual: only rows near the viewport exist). */
export function rows(page: Page): Promise<RowView[]> {
  return page.locator('[data-testid="job-row"]').evaluateAll((els) =>
    els.map((el) => {
      const text = (sel: string): string => el.querySelector(sel)?.textContent?.trim() ?? '';
      const badge = el.querySelector('[data-testid="verdict-badge"]');
      return {
        id: Number(el.getAttribute('data-job-id')),
        name: text('.file'),
        state: el.getAttribute('data-state') ?? '',
        verdict: el.getAttribute('data-verdict') ?? '',
        // The badge holds a symbol (aria-hidden) and the word.
        badge: (badge?.textContent ?? '').replace(/^[^A-Za-z]+/, '').trim(),
        confidence: text('[data-testid="verdict-confidence"]').replace(/\s*confidence$/, ''),
        faces: text('[data-testid="verdict-faces"]'),
        code: text('.state .why'),
      };
    }),
  );
}

/** The row of the file called `name`, or undefined when the queue does not show it. */
export async function rowOf(page: Page, name: string): Promise<RowView | undefined> {
  return (await rows(page)).find((r) => r.name === name);
}

/** Wait until the rows pass `check`; the timeout error lists what the screen showed last. */
export async function waitForRows(
  page: Page,
  check: (rows: RowView[]) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<RowView[]> {
  let last: RowView[] = [];
  try {
    await waitUntil(
      async () => {
        last = await rows(page);
        return check(last);
      },
      what,
      timeoutMs,
    );
  } catch (e) {
    const shown = last.map((r) => `${r.name}: ${r.state} ${r.verdict} ${r.code}`).join('; ');
    throw new Error(`${(e as Error).message}\nrows on screen: ${shown || 'none'}`);
  }
  return last;
}

/** Wait until the file `name` shows one of `states`; resolves with its row. */
export async function waitForRow(
  page: Page,
  name: string,
  states: readonly string[],
  timeoutMs = 90_000,
): Promise<RowView> {
  const found = await waitForRows(
    page,
    (rs) => rs.some((r) => r.name === name && states.includes(r.state)),
    `${name} to be ${states.join(' or ')}`,
    timeoutMs,
  );
  return found.find((r) => r.name === name)!;
}

/** Open the details panel of the file `name` and wait until it shows that file. */
export async function openDetails(page: Page, name: string): Promise<void> {
  const row = page.locator('[data-testid="job-row"]', { has: page.locator('.file', { hasText: name }) });
  await row.first().click();
  await page
    .locator('[data-testid="job-details"] h2', { hasText: name })
    .waitFor({ state: 'visible', timeout: 30_000 });
}

/** Wait until the element with `testId` shows text matching `pattern`; resolves with the text. */
export async function waitForText(
  page: Page,
  testId: string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  let last = '';
  try {
    await waitUntil(
      async () => {
        last = (
          (await page
            .getByTestId(testId)
            .first()
            .textContent({ timeout: 1_000 })
            .catch(() => '')) ?? ''
        )
          .replace(/\s+/g, ' ')
          .trim();
        return pattern.test(last);
      },
      `${testId} to show ${String(pattern)}`,
      timeoutMs,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; it showed "${last}"`);
  }
  return last;
}

/** Go to a section with the header's navigation and wait until it is shown. */
export async function goTo(page: Page, view: 'queue' | 'folders' | 'account'): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  await page.locator(`[data-testid="nav-${view}"][aria-current="page"]`).waitFor({ timeout: 30_000 });
}

/** An axe finding, as the report lists it. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Run axe-core on the page as it is now and return the serious and critical findings. axe is
 * injected with `addScriptTag` where the page allows it; the web host's CSP allows only its own
 * scripts, so it is evaluated through the DevTools protocol instead (which CSP does not govern).
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const present = await page.evaluate('typeof window.axe === "object"');
  if (!present) {
    await page.addScriptTag({ content: AXE_SOURCE }).catch(() => undefined);
    if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  }
  const findings = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  })()`)) as AxeFinding[];
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** Screenshots of the page in light and dark colours: `<name>-light.png`, `<name>-dark.png`. */
export async function screenshotsInBothSchemes(page: Page, name: string): Promise<string[]> {
  const files: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    files.push(await screenshot(page, `${name}-${scheme}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}

/** Axe findings (serious, critical) of the page in light and in dark colours, labelled by scheme. */
export async function axeInBothSchemes(page: Page): Promise<(AxeFinding & { scheme: string })[]> {
  const all: (AxeFinding & { scheme: string })[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const f of await axeFindings(page)) all.push({ ...f, scheme });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return all;
}

/** A simulator in the test process, quick to judge, so a test can inject faults and count calls. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ processingMs: 500, ...options });
}

/** The environment that hands the CLI the simulator's demo client pair. */
export function clientEnv(sim: Simulator, secret = sim.credentials.clientSecret): Record<string, string> {
  return { AUTHENTA_CLIENT_ID: sim.credentials.clientId, AUTHENTA_CLIENT_SECRET: secret };
}

/**
 * A TCP relay in front of the simulator that can drop off the network: `goOffline()` closes its
 * port and cuts every connection (the CLI sees ECONNREFUSED, as when the network is down), and
 * `goOnline()` opens the same port again. The simulator keeps its records meanwhile.
 */
export interface Relay {
  readonly url: string;
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
  close(): Promise<void>;
}

/** Start a relay to `sim` on a free port of 127.0.0.1. */
export async function startRelay(sim: Simulator): Promise<Relay> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const upstream = connect(sim.port, '127.0.0.1');
      sockets.add(client).add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    const address = s.address();
    if (address && typeof address === 'object') port = address.port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}/api`,
    goOffline: stop,
    goOnline: listen,
    close: stop,
  };
}

/** Parse RFC 4180 CSV (quoted cells, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(text);
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}
