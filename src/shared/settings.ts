/**
 * The settings file: one schema for the desktop (electron-store) and the headless host (conf),
 * so a file is the same wherever it was written. Secrets are never part of it: profiles hold a
 * name, a base URL and an API generation; their secrets live in the keychain.
 */
import { z } from 'zod';
import { API_GENERATIONS, FolderOptionsSchema } from './domain';

export const SETTINGS_VERSION = 1;

export const SANDBOX_PROFILE_ID = 'sandbox';
/** The base URL of the Sandbox profile: the built-in simulator, started in-process. */
export const SANDBOX_BASE_URL = 'sim://local';

export const ProfileRecordSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  baseUrl: z.string().min(1).max(2000),
  generation: z.enum(API_GENERATIONS),
  simulated: z.boolean().default(false),
});
export type ProfileRecord = z.infer<typeof ProfileRecordSchema>;

export const FolderRecordSchema = FolderOptionsSchema.extend({
  id: z.string().min(1).max(64),
  path: z.string().min(1).max(4096),
  paused: z.boolean().default(false),
});
export type FolderRecord = z.infer<typeof FolderRecordSchema>;

export const WindowBoundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(10_000),
  height: z.number().int().min(300).max(10_000),
  maximized: z.boolean().default(false),
});

export const PreferencesSchema = z.object({
  /** Uploads at once. */
  concurrency: z.number().int().min(1).max(16).default(3),
  /** Files larger than this are skipped with a message (bytes). */
  maxFileSizeBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 ** 3),
  /** A record still unfinished this long after its upload fails. */
  processingDeadlineMs: z
    .number()
    .int()
    .min(60_000)
    .default(30 * 60_000),
  /** After AA001 (quota), check again with a single call after this long. */
  quotaCooldownMs: z
    .number()
    .int()
    .min(10_000)
    .default(15 * 60_000),
  notifications: z.boolean().default(true),
  closeToTray: z.boolean().default(true),
  closeToTrayNoticeShown: z.boolean().default(false),
  startAtLogin: z.boolean().default(false),
  /** The thumbnail cache in the data folder is kept under this many bytes (least recently used go first). */
  thumbnailCacheBytes: z
    .number()
    .int()
    .min(16 * 1024 ** 2)
    .max(64 * 1024 ** 3)
    .default(256 * 1024 ** 2),
  /**
   * Bytes per second all uploads may use together (one cap shared by every upload at once); 0:
   * no cap. Applies at once when changed.
   */
  maxUploadBytesPerSecond: z.number().int().min(0).max(100e9).default(0),
  window: WindowBoundsSchema.optional(),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

/**
 * The team ledger a desktop desk uses (issue 11): a PostgreSQL URL WITHOUT its password (the
 * password lives in the OS keychain) and the name this desk shows to the others. Absent: the
 * embedded SQLite ledger. Read when the app starts.
 */
export const TeamLedgerSettingSchema = z.object({
  /** postgres://user@host:5432/database; a URL carrying a password is refused. */
  url: z
    .string()
    .min(1)
    .max(2000)
    .refine((u) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(u) && !/[?&]password=/i.test(u), {
      message: 'The team ledger URL must not hold the password (it belongs in the keychain).',
    }),
  /** This desk's name as the team sees it (empty: the computer's name). */
  desk: z.string().max(60).default(''),
});
export type TeamLedgerSetting = z.infer<typeof TeamLedgerSettingSchema>;

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  profiles: z.array(ProfileRecordSchema).default([]),
  activeProfileId: z.string().nullable().default(null),
  folders: z.array(FolderRecordSchema).default([]),
  preferences: PreferencesSchema.default(PreferencesSchema.parse({})),
  teamLedger: TeamLedgerSettingSchema.optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SANDBOX_PROFILE: ProfileRecord = {
  id: SANDBOX_PROFILE_ID,
  name: 'Sandbox',
  baseUrl: SANDBOX_BASE_URL,
  generation: 'media-client',
  simulated: true,
};

/** Settings of a first start: the Sandbox profile, no folders. */
export function defaultSettings(): Settings {
  return SettingsSchema.parse({
    version: SETTINGS_VERSION,
    profiles: [SANDBOX_PROFILE],
    activeProfileId: null,
  });
}

/**
 * Numbered migrations: entry N turns a version-N file into version N+1. A file from a newer
 * version, or one that does not validate, is reported, never silently replaced.
 */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Bring any stored settings object up to the current version and validate it. */
export function migrateSettings(raw: unknown): Settings {
  if (raw === undefined || raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0)) {
    return defaultSettings();
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new SettingsError('The settings file is not an object.');
  let current = { ...(raw as Record<string, unknown>) };
  let version = typeof current.version === 'number' ? current.version : 0;
  if (version > SETTINGS_VERSION) {
    throw new SettingsError(
      `The settings file was written by a newer Authenta Watch (version ${version}); update the app.`,
    );
  }
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version];
    current = step ? step(current) : { ...current, version: version + 1 };
    version += 1;
  }
  const parsed = SettingsSchema.safeParse(current);
  if (!parsed.success)
    throw new SettingsError(`The settings file is invalid: ${z.prettifyError(parsed.error)}`);
  if (!parsed.data.profiles.some((p) => p.id === SANDBOX_PROFILE_ID))
    parsed.data.profiles.unshift(SANDBOX_PROFILE);
  return parsed.data;
}
