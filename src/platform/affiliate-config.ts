// The retailers operators link shopping-list items and costume materials to
// (CALOS_AFFILIATE_RETAILERS), read with the rest of the configuration at start-up.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const AFFILIATE_APPS = ['hollowtown', 'recipes', 'family'] as const;
export type AffiliateApp = (typeof AFFILIATE_APPS)[number];

/** grocery: a shopping-list item (HowToCookAtHome, Family Planner); costume-material: Hollowtown. */
export const AFFILIATE_KINDS = ['grocery', 'costume-material'] as const;
export type AffiliateKind = (typeof AFFILIATE_KINDS)[number];

export interface AffiliateRetailer {
  /** Stable slug that signed links name (renaming `name` keeps old links working). */
  id: string;
  /** Shown to people: "Buy at <name>". */
  name: string;
  /** https URL with {query} (and {tag} when `tag` is set), e.g. https://www.amazon.com/s?k={query}&tag={tag} */
  url: string;
  tag: string | null;
  apps: readonly AffiliateApp[];
  kinds: readonly AffiliateKind[];
}

export interface AffiliateConfig {
  /** Empty: no links anywhere (the default). */
  retailers: readonly AffiliateRetailer[];
  /**
   * CALOS_AFFILIATE_KEY (64 hex characters): the key links are signed with. Unset: one derived
   * from the master key, which suits one process; apps in processes of their own get this key
   * instead, so that they never hold the master key (it opens every stored API key).
   */
  signingKeyHex?: string;
  /**
   * CALOS_AFFILIATE_LINK_MAX_AGE_DAYS (1 to 365, default 30): a link is refused (410) once it is
   * older than this; a page read again hands out fresh ones.
   */
  linkMaxAgeDays: number;
}

export const DEFAULT_LINK_MAX_AGE_DAYS = 30;
export const MAX_LINK_MAX_AGE_DAYS = 365;

export const MAX_RETAILERS = 20;
const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const TAG = /^[A-Za-z0-9._~-]{1,100}$/;
const KEYS = new Set(['id', 'name', 'url', 'tag', 'apps', 'kinds']);

type Text = (name: string) => string | undefined;

/**
 * CALOS_AFFILIATE_RETAILERS: a JSON array of retailers, or the path of a JSON file holding one
 * (relative to the working directory). Unset or `[]`: no links.
 */
export function parseAffiliateConfig(text: Text, cwd: string, problems: string[]): AffiliateConfig {
  const key = text('CALOS_AFFILIATE_KEY');
  if (key !== undefined && !/^[0-9a-fA-F]{64}$/.test(key))
    problems.push('CALOS_AFFILIATE_KEY must be 64 hexadecimal characters (32 random bytes)');
  const signing =
    key !== undefined && /^[0-9a-fA-F]{64}$/.test(key) ? { signingKeyHex: key.toLowerCase() } : {};
  const maxAge = text('CALOS_AFFILIATE_LINK_MAX_AGE_DAYS');
  let linkMaxAgeDays = DEFAULT_LINK_MAX_AGE_DAYS;
  if (maxAge !== undefined) {
    const days = /^\d{1,3}$/.test(maxAge) ? Number(maxAge) : Number.NaN;
    if (Number.isInteger(days) && days >= 1 && days <= MAX_LINK_MAX_AGE_DAYS) linkMaxAgeDays = days;
    else
      problems.push(
        `CALOS_AFFILIATE_LINK_MAX_AGE_DAYS must be a whole number of days from 1 to ${MAX_LINK_MAX_AGE_DAYS}`,
      );
  }
  return { ...parseRetailers(text, cwd, problems), ...signing, linkMaxAgeDays };
}

function parseRetailers(text: Text, cwd: string, problems: string[]): Pick<AffiliateConfig, 'retailers'> {
  const raw = text('CALOS_AFFILIATE_RETAILERS');
  if (raw === undefined || raw === 'off') return { retailers: [] };
  const name = 'CALOS_AFFILIATE_RETAILERS';
  let json = raw;
  if (!raw.startsWith('[')) {
    const file = path.resolve(cwd, raw);
    if (!existsSync(file)) {
      problems.push(`${name} must be a JSON array of retailers or the path of a JSON file (no file ${file})`);
      return { retailers: [] };
    }
    json = readFileSync(file, 'utf8');
  }
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    problems.push(`${name} is not valid JSON (a JSON array of retailers, see README)`);
    return { retailers: [] };
  }
  if (!Array.isArray(list) || list.length > MAX_RETAILERS) {
    problems.push(`${name} must be a JSON array of at most ${MAX_RETAILERS} retailers`);
    return { retailers: [] };
  }
  const before = problems.length;
  const retailers: AffiliateRetailer[] = [];
  list.forEach((entry: unknown, index) => {
    const where = `${name}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} must be an object {id, name, url, tag?, apps?, kinds?}`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !KEYS.has(k));
    if (unknown.length > 0) problems.push(`${where} has unknown fields: ${unknown.join(', ')}`);
    const id = typeof e.id === 'string' && ID.test(e.id) ? e.id : undefined;
    if (!id) problems.push(`${where}.id must be 1 to 40 lower-case letters, digits or - (e.g. "amazon")`);
    else if (retailers.some((r) => r.id === id)) problems.push(`${where}.id "${id}" is listed twice`);
    const display = typeof e.name === 'string' ? e.name.trim() : '';
    if (display.length < 1 || display.length > 60) problems.push(`${where}.name must be 1 to 60 characters`);
    const tag = e.tag === undefined || e.tag === null ? null : typeof e.tag === 'string' ? e.tag : undefined;
    if (tag === undefined || (tag !== null && !TAG.test(tag)))
      problems.push(`${where}.tag must be 1 to 100 letters, digits or . _ ~ -`);
    const url = typeof e.url === 'string' ? e.url : '';
    const urlProblem = templateProblem(url, tag ?? null);
    if (urlProblem) problems.push(`${where}.url ${urlProblem}`);
    const apps = listOf(e.apps, AFFILIATE_APPS, `${where}.apps`, problems);
    const kinds = listOf(e.kinds, AFFILIATE_KINDS, `${where}.kinds`, problems);
    if (id && apps && kinds && !urlProblem)
      retailers.push(Object.freeze({ id, name: display, url, tag: tag ?? null, apps, kinds }));
  });
  if (problems.length > before) return { retailers: [] };
  return { retailers: Object.freeze(retailers) };
}

/** Why a URL template is refused, or undefined. The host is fixed: {query} lands only in path or query. */
export function templateProblem(template: string, tag: string | null): string | undefined {
  if (!template.startsWith('https://')) return 'must be an https:// URL template';
  if (template.length > 500) return 'must be at most 500 characters';
  if (!template.includes('{query}')) return 'must contain {query}';
  const authority = /^https:\/\/([^/?#]*)/.exec(template)?.[1] ?? '';
  if (authority.includes('{') || authority.includes('@') || authority === '')
    return 'must name its host plainly ({query} and {tag} only after the host; no user@)';
  const placeholders = template.match(/\{[^}]*\}/g) ?? [];
  const strange = placeholders.filter((p) => p !== '{query}' && p !== '{tag}');
  if (strange.length > 0) return `has unknown placeholders ${strange.join(', ')} (use {query} and {tag})`;
  if (template.includes('{tag}') && tag === null) return 'uses {tag} but the retailer has no tag';
  try {
    const url = new URL(template.replaceAll('{query}', 'q').replaceAll('{tag}', 't'));
    if (url.protocol !== 'https:' || url.hash) return 'must be an https:// URL without a #fragment';
  } catch {
    return 'is not a valid URL';
  }
  return undefined;
}

function listOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  where: string,
  problems: string[],
): readonly T[] | undefined {
  if (value === undefined || value === '*') return allowed;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => !allowed.includes(v as T))) {
    problems.push(`${where} must be "*" or a non-empty list of ${allowed.join(', ')}`);
    return undefined;
  }
  return Object.freeze([...new Set(value as T[])]);
}
