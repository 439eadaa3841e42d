// What identity asks of the other apps, in its own words: the account's data across every app
// for "Download my data", and an archive of it taken into this CALOS. Identity imports no app:
// src/cross-app assembles both from the apps' clients (src/cross-app/account-data.ts).
import type { Readable } from 'node:stream';

/** What an import did, per file of the archive and collection in it. */
export interface AccountImportSummary {
  format_version: number;
  /** Per app: per collection, rows created, found from an earlier import of it, skipped (and why). */
  apps: Record<
    string,
    Record<string, { created: number; existing: number; skipped: { id: string | null; reason: string }[] }>
  >;
  /** Apps the archive has data of that this CALOS does not reach now (import again later). */
  unavailable: string[];
}

export interface AccountDataLink {
  /**
   * The archive (a zip: README.md, manifest.json, identity.json and one JSON file per app) of
   * everything CALOS holds about the user, produced while it is read.
   */
  exportArchive(userId: string, exportedAt: Date): Readable;
  /** Takes an archive made by exportArchive (here or in another CALOS) into this user's data. */
  importArchive(userId: string, archive: Buffer): Promise<AccountImportSummary>;
}

export interface IdentityLinks {
  /** Undefined: not composed with the apps (the routes answer 503). */
  accountData(): AccountDataLink | undefined;
}

export const NO_LINKS: IdentityLinks = { accountData: () => undefined };

/** What an import reads at most (413 ACCOUNT_ARCHIVE_TOO_LARGE past any of them). */
export const ACCOUNT_ARCHIVE_LIMITS = {
  /** The upload itself. */
  bytes: 32 * 1024 * 1024,
  /** Files in the zip. */
  entries: 20,
  /** One file, inflated. */
  entryBytes: 64 * 1024 * 1024,
  /** Everything read, inflated (a zip bomb stops here). */
  totalBytes: 160 * 1024 * 1024,
  /** Rows of one collection. */
  rows: 20_000,
} as const;
