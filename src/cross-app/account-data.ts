// "Download my data" and its import (GDPR Art. 15 and 20), assembled across the services from
// their clients (in process or over HTTP alike): identity.json and one JSON file per app, each
// read a page at a time and written into the zip while the zip is sent, so an account of any
// size streams without being held in memory. The import reads such a zip within limits and hands
// each app its file's rows: HowToCookAtHome first, so Hollowtown's events find the new ids of
// the recipes they name. Account deletion runs the other way (each app consumes user.deleted).
import { Readable } from 'node:stream';
import { fromBufferPromise, type ZipFile as ZipReader } from 'yauzl';
import { ZipFile } from 'yazl';
import type { FamilyClient } from '../family/client.ts';
import type { HollowtownClient } from '../hollowtown/client.ts';
import { IdentityErrors } from '../identity/client.ts';
import {
  ACCOUNT_ARCHIVE_LIMITS,
  type AccountDataLink,
  type AccountImportSummary,
  type IdentityLinks,
} from '../identity/links.ts';
import { type DataExportClient, type DataImportClient, exportedRows } from '../platform/data-portability.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { RecipesClient } from '../recipes/client.ts';

export const ARCHIVE_FORMAT = 'calos-account-export';
export const ARCHIVE_VERSION = 1;

/** The parts of an archive, in order; identity's is exported, never imported. */
const PARTS = [
  { name: 'identity', title: 'CALOS account (identity)' },
  { name: 'hollowtown', title: 'Hollowtown' },
  { name: 'recipes', title: 'HowToCookAtHome' },
  { name: 'family', title: 'Family Planner' },
] as const;
type PartName = (typeof PARTS)[number]['name'];
type ImportingApp = Exclude<PartName, 'identity'>;

const readme = (
  exportedAt: Date,
  included: readonly string[],
  missing: readonly string[],
) => `# Your CALOS data

Everything this CALOS holds about your account, across the CALOS account and every app, as of
${exportedAt.toISOString()}. You have it under GDPR Art. 15 (right of access) and Art. 20 (right to
data portability): the files are plain JSON, readable by any program, and another CALOS imports
this archive as it is (account console → Your data → Import).

## Format (version ${ARCHIVE_VERSION})

- \`manifest.json\`: \`{"format": "${ARCHIVE_FORMAT}", "version": ${ARCHIVE_VERSION}, "exported_at", "user_id",
  "files": [...], "missing": [...]}\`. \`missing\` names an app that could not be reached when the
  archive was made: its file is not here; download again later for it.
- One file per part: ${included.map((name) => `\`${name}.json\``).join(', ')}. Each is
  \`{"format", "version", "app", "user_id", "exported_at", "collections": {"<name>": [rows]}}\`:
  a collection is a table of that app, and each row is that table's row as the app stores it,
  dates and times in ISO 8601 (UTC offsets included), ids as UUIDs.
  - \`identity.json\`: profile, devices, sessions, credits balance and ledger, transfers, payments,
    plan (subscriptions), bring-your-own AI keys (provider and label only), passkeys (names only),
    two-step verification (whether and since when), AI preferences and usage, karma, apps you
    connected, mail opt-outs and mails sent to you, staff roles, and the security log.
  - \`hollowtown.json\`: Halloween recipes, events and the recipes planned for them, costumes,
    haunted-house plans, your votes, upvotes and reports, marketplace listings, sales and
    purchases (each purchase with your copy of the plan or pattern you bought), and clicks on shop links.
  - \`recipes.json\`: recipes, ratings you gave, favourites, meal plans, pantry, shopping lists,
    recipes you shared between apps, your votes and reports, clicks on shop links, and the
    recipe books you listed, bought and sold in its marketplace.
  - \`family.json\`: the families you belong to and what you see there (members by id and role,
    lists but other members' personal ones, items, events, shopping lists), and what is yours
    alone (your chat messages, completions, notifications, invitations, push subscriptions).
    Other members' messages and personal lists are not in your archive: they are their data.

## What is never in it

No password or its hash, no token or code (sign-in, refresh, recovery, invitation, calendar
feed), no API key or two-step secret, no passkey credential, no push subscription keys.

## Importing into another CALOS

An import takes recipes, meal plans, pantry items, shopping lists, Halloween recipes, events,
costumes, haunted-house plans, and the families you created with the lists, items, events and
shopping lists you created in them. Rows get new ids there; a meal plan keeps its recipes and an
event its recipes. Importing the same archive twice adds nothing the second time. Recipes and
plans arrive private (publish them again there if you like). Sign-in data (password, sessions,
devices, passkeys, keys), credits, plan, votes, marketplace listings and purchases, and the
security log are not imported: they belong to the CALOS that issued them.
${missing.length ? `\n## Missing from this archive\n\n${missing.map((name) => `- ${name}: not reachable when the archive was made`).join('\n')}\n` : ''}`;

/** One part's JSON, written a page at a time. */
async function* partJson(
  door: DataExportClient,
  meta: { app: string; userId: string; exportedAt: Date },
): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(ARCHIVE_FORMAT)},"version":${ARCHIVE_VERSION},"app":${JSON.stringify(meta.app)},`;
  yield `"user_id":${JSON.stringify(meta.userId)},"exported_at":${JSON.stringify(meta.exportedAt.toISOString())},"collections":{`;
  let firstCollection = true;
  for (const collection of await door.collections()) {
    yield `${firstCollection ? '' : ','}\n${JSON.stringify(collection)}:[`;
    firstCollection = false;
    let first = true;
    for await (const row of exportedRows(door, meta.userId, collection)) {
      yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
      first = false;
    }
    yield ']';
  }
  yield '\n}}\n';
}

function exportDoors(clients: ClientRegistry): Partial<Record<PartName, DataExportClient>> {
  const doors: Partial<Record<PartName, DataExportClient>> = {};
  for (const { name } of PARTS) {
    if (clients.has(name)) doors[name] = clients.get<{ dataExport: DataExportClient }>(name).dataExport;
  }
  return doors;
}

export function exportAccountArchive(clients: ClientRegistry, userId: string, exportedAt: Date): Readable {
  const doors = exportDoors(clients);
  const included = PARTS.filter(({ name }) => doors[name]).map(({ name }) => name);
  const missing = PARTS.filter(({ name }) => !doors[name]).map(({ name }) => name);
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  const entry = { mtime: exportedAt };
  zip.addBuffer(Buffer.from(readme(exportedAt, included, missing)), 'README.md', entry);
  const manifest = {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    exported_at: exportedAt.toISOString(),
    user_id: userId,
    files: included.map((name) => `${name}.json`),
    missing,
  };
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', entry);
  for (const name of included) {
    const door = doors[name] as DataExportClient;
    // Made when the zip reaches this file: one app's pages are read at a time.
    zip.addReadStreamLazy(`${name}.json`, entry, (done) => {
      const part = Readable.from(partJson(door, { app: name, userId, exportedAt }));
      part.once('error', (error) => output.destroy(error));
      done(null, part);
    });
  }
  zip.once('error', (error: Error) => output.destroy(error));
  zip.end();
  return output;
}

// Reading an archive back, within limits.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const LIMITS = ACCOUNT_ARCHIVE_LIMITS;

async function readEntries(archive: Buffer): Promise<Map<string, Buffer>> {
  if (archive.length > LIMITS.bytes)
    throw IdentityErrors.accountArchiveTooLarge(LIMITS, `more than ${LIMITS.bytes} bytes`);
  let zip: ZipReader;
  try {
    zip = await fromBufferPromise(archive, { lazyEntries: true, validateEntrySizes: true });
  } catch {
    throw IdentityErrors.accountArchiveInvalid('not a zip file');
  }
  const files = new Map<string, Buffer>();
  try {
    if (zip.entryCount > LIMITS.entries)
      throw IdentityErrors.accountArchiveTooLarge(LIMITS, `more than ${LIMITS.entries} files`);
    let budget = LIMITS.totalBytes;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (!/^[a-z]+\.json$/.test(name)) continue;
      if (entry.uncompressedSize > LIMITS.entryBytes)
        throw IdentityErrors.accountArchiveTooLarge(
          LIMITS,
          `${name} is larger than ${LIMITS.entryBytes} bytes`,
        );
      const chunks: Buffer[] = [];
      let size = 0;
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        budget -= (chunk as Buffer).length;
        if (size > LIMITS.entryBytes || budget < 0) {
          stream.destroy();
          throw IdentityErrors.accountArchiveTooLarge(
            LIMITS,
            `more than ${LIMITS.totalBytes} bytes inflated`,
          );
        }
        chunks.push(chunk as Buffer);
      }
      files.set(name, Buffer.concat(chunks));
    }
  } catch (error) {
    if ((error as { status?: number }).status) throw error;
    throw IdentityErrors.accountArchiveInvalid('the zip file is damaged');
  } finally {
    zip.close();
  }
  return files;
}

const parseJson = (name: string, content: Buffer): unknown => {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    throw IdentityErrors.accountArchiveInvalid(`${name} is not valid JSON`);
  }
};

/** An app's collections as the archive has them, each an array within the row limit. */
function collectionsOf(name: string, part: unknown, app: string): Record<string, unknown[]> {
  if (!isObject(part) || part.format !== ARCHIVE_FORMAT || part.app !== app || !isObject(part.collections))
    throw IdentityErrors.accountArchiveInvalid(`${name} is not a part of a CALOS data archive`);
  if (part.version !== ARCHIVE_VERSION) throw IdentityErrors.accountArchiveUnsupported(part.version);
  const collections: Record<string, unknown[]> = {};
  for (const [collection, rows] of Object.entries(part.collections)) {
    if (!Array.isArray(rows))
      throw IdentityErrors.accountArchiveInvalid(`${name}: ${collection} is not a list`);
    if (rows.length > LIMITS.rows)
      throw IdentityErrors.accountArchiveTooLarge(LIMITS, `${name}: more than ${LIMITS.rows} ${collection}`);
    collections[collection] = rows;
  }
  return collections;
}

const IMPORT_ORDER: readonly ImportingApp[] = ['recipes', 'hollowtown', 'family'];

export async function importAccountArchive(
  clients: ClientRegistry,
  userId: string,
  archive: Buffer,
): Promise<AccountImportSummary> {
  const files = await readEntries(archive);
  const manifestFile = files.get('manifest.json');
  if (!manifestFile) throw IdentityErrors.accountArchiveInvalid('manifest.json is missing');
  const manifest = parseJson('manifest.json', manifestFile);
  if (!isObject(manifest) || manifest.format !== ARCHIVE_FORMAT)
    throw IdentityErrors.accountArchiveInvalid('manifest.json does not name the format');
  if (manifest.version !== ARCHIVE_VERSION) throw IdentityErrors.accountArchiveUnsupported(manifest.version);
  // Every part is read and checked before anything is written.
  const parts: Partial<Record<ImportingApp, Record<string, unknown[]>>> = {};
  for (const app of IMPORT_ORDER) {
    const content = files.get(`${app}.json`);
    if (content) parts[app] = collectionsOf(`${app}.json`, parseJson(`${app}.json`, content), app);
  }
  const summary: AccountImportSummary = { format_version: ARCHIVE_VERSION, apps: {}, unavailable: [] };
  const references: Record<string, Record<string, string>> = {};
  for (const app of IMPORT_ORDER) {
    const data = parts[app];
    if (!data) continue;
    if (!clients.has(app)) {
      summary.unavailable.push(app);
      continue;
    }
    const door = clients.get<RecipesClient | HollowtownClient | FamilyClient>(app)
      .dataImport as DataImportClient;
    const answer = await door.apply(userId, data, references);
    summary.apps[app] = answer.counts;
    if (app === 'recipes' && answer.ids.recipes) references.recipes = answer.ids.recipes;
  }
  return summary;
}

/** Identity's link (src/identity/links.ts): the archive from every app's client. */
export function identityLinks(clients: ClientRegistry): IdentityLinks {
  const link: AccountDataLink = {
    exportArchive: (userId, exportedAt) => exportAccountArchive(clients, userId, exportedAt),
    importArchive: (userId, archive) => importAccountArchive(clients, userId, archive),
  };
  return { accountData: () => link };
}
