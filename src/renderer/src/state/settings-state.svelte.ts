/**
 * The Settings screen: the user's preferences, in the units people think in (GB, minutes), saved
 * field by field as they change (write-through) with a "Saved" or error line after each save.
 */
import type { AuthentaWatchApi, PreferencesPatch } from '../../../shared/contract';
import type { Preferences } from '../../../shared/settings';
import { errorText } from '../lib/format';

type SettingsApi = Pick<AuthentaWatchApi, 'getPreferences' | 'updatePreferences'>;

const GB = 1024 ** 3;
const MINUTE = 60_000;
const MB = 1024 ** 2;

/** The numeric fields of the screen and how each maps onto a preference. */
export const NUMBER_FIELDS = {
  concurrency: { key: 'concurrency', unit: 1, min: 1, max: 16, integer: true, label: 'Uploads at once' },
  maxFileSizeGb: {
    key: 'maxFileSizeBytes',
    unit: GB,
    min: 0.001,
    max: 1024,
    integer: false,
    label: 'Maximum file size',
  },
  deadlineMinutes: {
    key: 'processingDeadlineMs',
    unit: MINUTE,
    min: 1,
    max: 24 * 60,
    integer: true,
    label: 'Give up on a verdict after',
  },
  cooldownMinutes: {
    key: 'quotaCooldownMs',
    unit: MINUTE,
    min: 1,
    max: 24 * 60,
    integer: true,
    label: 'After the quota is reached, check again after',
  },
  maxUploadRateMbps: {
    key: 'maxUploadBytesPerSecond',
    unit: 1_000_000,
    min: 0,
    max: 100_000,
    integer: false,
    label: 'Upload bandwidth cap, all uploads together (0: no cap)',
  },
  thumbnailCacheMb: {
    key: 'thumbnailCacheBytes',
    unit: MB,
    min: 16,
    max: 64 * 1024,
    integer: true,
    label: 'Keep thumbnails on disk up to',
  },
} as const satisfies Record<
  string,
  { key: keyof Preferences; unit: number; min: number; max: number; integer: boolean; label: string }
>;
export type NumberField = keyof typeof NUMBER_FIELDS;

/** The switches only the desktop app acts on. */
export type SwitchField = 'notifications' | 'closeToTray' | 'startAtLogin';

/** A field's value as shown: GB with up to 3 decimals, whole minutes, whole MB. */
export function displayValue(field: NumberField, prefs: Preferences): number {
  const spec = NUMBER_FIELDS[field];
  const raw = (prefs[spec.key] as number) / spec.unit;
  return spec.integer ? Math.round(raw) : Math.round(raw * 1000) / 1000;
}

/** The patch for a typed value; throws with a sentence when it is out of range. */
export function patchFor(field: NumberField, value: number): PreferencesPatch {
  const spec = NUMBER_FIELDS[field];
  if (
    !Number.isFinite(value) ||
    value < spec.min ||
    value > spec.max ||
    (spec.integer && !Number.isInteger(value))
  ) {
    const kind = spec.integer ? 'a whole number' : 'a number';
    throw new Error(`${spec.label}: enter ${kind} from ${spec.min} to ${spec.max}.`);
  }
  return { [spec.key]: Math.round(value * spec.unit) };
}

export class SettingsState {
  preferences = $state.raw<Preferences | null>(null);
  /** What the last save said: a "Saved" line or what went wrong. */
  message = $state.raw<{ tone: 'ok' | 'error'; text: string } | null>(null);
  busy = $state(false);
  loadError = $state<string | null>(null);

  readonly #api: SettingsApi;

  constructor(api: SettingsApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.preferences = await this.#api.getPreferences();
      this.loadError = null;
    } catch (e) {
      this.loadError = errorText(e);
    }
  }

  /** Save a numeric field typed by the user (in the screen's unit). */
  async setNumber(field: NumberField, value: number): Promise<void> {
    let patch: PreferencesPatch;
    try {
      patch = patchFor(field, value);
    } catch (e) {
      this.message = { tone: 'error', text: errorText(e) };
      return;
    }
    await this.#save(patch, NUMBER_FIELDS[field].label);
  }

  /** Save a desktop switch. */
  async setSwitch(field: SwitchField, value: boolean): Promise<void> {
    await this.#save({ [field]: value }, SWITCH_LABELS[field]);
  }

  async #save(patch: PreferencesPatch, label: string): Promise<void> {
    this.busy = true;
    try {
      this.preferences = await this.#api.updatePreferences(patch);
      this.message = { tone: 'ok', text: `Saved: ${label.toLowerCase()}.` };
    } catch (e) {
      this.message = { tone: 'error', text: `Not saved: ${errorText(e)}` };
    } finally {
      this.busy = false;
    }
  }
}

export const SWITCH_LABELS: Record<SwitchField, string> = {
  notifications: 'Notify me of likely fakes and of anything that stops the queue',
  closeToTray: 'Keep running in the tray when the window closes',
  startAtLogin: 'Start at login',
};
