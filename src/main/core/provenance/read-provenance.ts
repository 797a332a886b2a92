/**
 * Reads a file's provenance on this machine: its C2PA manifest with the Content Authenticity
 * Initiative's own reader (`@contentauth/c2pa-wasm`, c2pa-rs compiled to WebAssembly: no native
 * binary, nothing downloaded, no network: OCSP and remote manifests are not fetched) and its camera
 * metadata with `exifr`. Nothing is sent anywhere; the GPS coordinates are read only to say
 * whether they are there, and never kept or logged.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CameraMetadata, ContentCredentials } from '../../../shared/provenance';
import { emptyCredentials, summariseManifestStore } from './manifest-summary';

import type * as C2paWasm from '@contentauth/c2pa-wasm';
import type { WasmReader } from '@contentauth/c2pa-wasm';
import type * as Exifr from 'exifr';

type C2paModule = typeof C2paWasm;

let c2pa: Promise<C2paModule> | null = null;

/** The reader, compiled once per process on first use (about 9 MB of WebAssembly). */
function loadC2pa(): Promise<C2paModule> {
  c2pa ??= (async () => {
    const mod = await import('@contentauth/c2pa-wasm');
    const wasmPath = createRequire(import.meta.url).resolve('@contentauth/c2pa-wasm/c2pa.wasm');
    mod.initSync({ module: await readFile(wasmPath) });
    return mod;
  })();
  c2pa.catch(() => (c2pa = null));
  return c2pa;
}

/** How the reader is set up: trust anchors (PEM) make a signer `trusted`; none: at best `valid`. */
export interface C2paReadOptions {
  trustAnchorsPem?: string | null;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * The file's Content Credentials, from its bytes and its sniffed content type. Never throws: a
 * file without a manifest is `none`, a type the reader does not know `unchecked`, anything else
 * that fails `broken` with the reader's reason.
 */
export async function readCredentials(
  bytes: Uint8Array,
  contentType: string,
  options: C2paReadOptions = {},
): Promise<ContentCredentials> {
  let mod: C2paModule;
  try {
    mod = await loadC2pa();
  } catch (e) {
    return emptyCredentials('unchecked', [`The Content Credentials reader could not start: ${messageOf(e)}`]);
  }
  const settings = {
    verify: {
      verify_trust: Boolean(options.trustAnchorsPem),
      ocsp_fetch: false,
      remote_manifest_fetch: false,
    },
    ...(options.trustAnchorsPem ? { trust: { trust_anchors: options.trustAnchorsPem } } : {}),
  };
  let reader: WasmReader | null = null;
  try {
    reader = await mod.WasmReader.fromBytes(contentType, bytes, JSON.stringify(settings));
    return summariseManifestStore(reader.manifestStore());
  } catch (e) {
    const message = messageOf(e);
    if (/JumbfNotFound|ProvenanceMissing|NotFound/i.test(message)) return emptyCredentials('none', []);
    if (/UnsupportedType/i.test(message)) {
      return emptyCredentials('unchecked', [
        `Files of type ${contentType} cannot be checked for Content Credentials here.`,
      ]);
    }
    return emptyCredentials('broken', [`The Content Credentials could not be read: ${message}`]);
  } finally {
    reader?.free();
  }
}

type ExifrModule = typeof Exifr;
let exifr: Promise<ExifrModule> | null = null;

const PICK = [
  'Make',
  'Model',
  'DateTimeOriginal',
  'CreateDate',
  'Software',
  'CreatorTool',
  'GPSLatitude',
  'GPSLongitude',
];

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim().replace(/\0+$/, '') : null;
}

function isoTime(v: unknown): string | null {
  if (v instanceof Date && !Number.isNaN(v.getTime())) {
    // exifr reads the camera's local time as if it were this machine's; print it back the same way.
    const p = (n: number) => String(n).padStart(2, '0');
    return `${v.getFullYear()}-${p(v.getMonth() + 1)}-${p(v.getDate())}T${p(v.getHours())}:${p(v.getMinutes())}:${p(v.getSeconds())}`;
  }
  return text(v);
}

/**
 * A photo's camera metadata (make, model, capture time, editing software, whether GPS is there),
 * or null when it has none. Rejects when the metadata is present but cannot be parsed.
 */
export async function readCameraMetadata(bytes: Uint8Array): Promise<CameraMetadata | null> {
  exifr ??= import('exifr');
  const mod = await exifr;
  const lib = (mod as unknown as { default?: ExifrModule }).default ?? mod;
  const tags = (await lib.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    pick: PICK,
    tiff: true,
    exif: true,
    gps: true,
    xmp: true,
    icc: false,
    iptc: false,
    jfif: false,
    ihdr: false,
  })) as Record<string, unknown> | undefined;
  if (!tags) return null;
  const metadata: CameraMetadata = {
    make: text(tags['Make']),
    model: text(tags['Model']),
    capturedAt: isoTime(tags['DateTimeOriginal'] ?? tags['CreateDate']),
    software: text(tags['Software']) ?? text(tags['CreatorTool']),
    gps: tags['GPSLatitude'] !== undefined || tags['GPSLongitude'] !== undefined,
  };
  const empty =
    !metadata.make && !metadata.model && !metadata.capturedAt && !metadata.software && !metadata.gps;
  return empty ? null : metadata;
}
