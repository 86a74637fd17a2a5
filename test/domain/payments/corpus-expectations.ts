/**
 * The interop corpus's expectations for bank statements, loaded as plain data: genkgo/camt's dumps (`.json` beside
 * each camt file) and wolph/mt940's dumps (`.yml` beside each MT940 file, PyYAML with Python object tags).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { corpusDir } from '../corpus-support';

export const bankCorpusDir = path.join(corpusDir, 'bank');
export const bankCorpusPresent = fs.existsSync(path.join(bankCorpusDir, 'camt'));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The statement files of one set that have an expectation beside them, and those that have none. */
export function corpusSet(folder: 'camt' | 'mt940'): {
  withExpectation: string[];
  without: string[];
  expectationOf: (file: string) => string;
} {
  const dir = path.join(bankCorpusDir, folder);
  const [ext, expected] = folder === 'camt' ? ['.xml', '.json'] : ['.sta', '.yml'];
  const expectationOf = (file: string): string => file.slice(0, -ext.length) + expected;
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(ext))
    .sort()
    .map((name) => path.join(dir, name));
  return {
    withExpectation: files.filter((file) => fs.existsSync(expectationOf(file))),
    without: files.filter((file) => !fs.existsSync(expectationOf(file))),
    expectationOf,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// genkgo/camt: a PHP object graph dumped as JSON, getters as keys; an object met a second time is "__RECURSIVITY__".

export const RECURSION = '__RECURSIVITY__';

export interface GenkgoRecord {
  record: JsonObject;
  entries: JsonObject[];
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value at a getter path; undefined when any step is missing, null or a recursion marker. */
export function at(value: Json | undefined, ...keys: string[]): Json | undefined {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current === null || current === RECURSION ? undefined : current;
}

export function str(value: Json | undefined, ...keys: string[]): string | undefined {
  const found = at(value, ...keys);
  return typeof found === 'string' ? found : undefined;
}

/**
 * The records (statements, reports, notifications) of a genkgo dump that the dump holds, and how many there were.
 * A record is dumped in full the first time it is met, inside the first entry that points to it, and is marked
 * "__RECURSIVITY__" after (in `getRecords`, too); its own `getEntries` lists all its entries, the one it was dumped
 * in as the marker. The top-level `getEntries` comes from an iterator whose keys restart at 0 for each record, so
 * later records overwrite earlier ones there: a record whose entries were all overwritten is not in the dump.
 */
export function genkgoRecords(message: JsonObject): { total: number; records: GenkgoRecord[] } {
  const records: GenkgoRecord[] = [];
  for (const entry of (message.getEntries as Json[]).filter(isObject)) {
    const record = entry.getRecord;
    if (!isObject(record)) continue;
    const entries = ((record.getEntries as Json[] | null) ?? []).map((item) => {
      if (isObject(item)) return item;
      if (item === RECURSION) return entry;
      throw new Error('genkgo dump: an entry that cannot be resolved');
    });
    records.push({ record, entries });
  }
  const all = (message.getRecords as Json[]) ?? [];
  for (const record of all.filter(isObject)) records.push({ record, entries: [] });
  return { total: all.length, records };
}

/** An entry's transaction details: the first is dumped as getTransactionDetail and marked in the list. */
export function genkgoDetails(entry: JsonObject): JsonObject[] {
  const list = (entry.getTransactionDetails as Json[] | null) ?? [];
  return list.map((detail, index) => {
    if (isObject(detail)) return detail;
    const first = entry.getTransactionDetail;
    if (detail === RECURSION && index === 0 && isObject(first)) return first;
    throw new Error('genkgo dump: a transaction detail that cannot be resolved');
  });
}

/** A list dumped beside its first element (getXBlock + getXBlocks): the first element of the list is the marker. */
export function withFirst(single: Json | undefined, list: Json | undefined): JsonObject[] {
  const items = Array.isArray(list) ? list : [];
  return items.map((item, index) => {
    if (isObject(item)) return item;
    if (item === RECURSION && index === 0 && isObject(single)) return single;
    throw new Error('genkgo dump: a list element that cannot be resolved');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// wolph/mt940: `mt940.models.Transactions` dumped by PyYAML.

export interface WolphTransactions {
  /** The statement-level data: the values of the last tag of each kind in the file (wolph overwrites). */
  data: Record<string, WolphValue>;
  transactions: Record<string, WolphValue>[];
}

export type WolphValue = string | boolean | null | WolphBalance | WolphAmount | Record<string, unknown>;

export interface WolphAmount {
  kind: 'amount';
  /** Signed decimal as wolph holds it (negative for status D). */
  amount: string;
  currency: string | null;
}

export interface WolphBalance {
  kind: 'balance';
  status: string;
  amount: WolphAmount;
  date: string;
}

interface JsYamlType {
  new (
    tag: string,
    options: { kind: 'scalar' | 'sequence' | 'mapping'; multi?: boolean; construct: Construct },
  ): object;
}
type Construct = (data: never, tag?: string) => unknown;
interface JsYamlSchema {
  extend(types: { implicit?: object[]; explicit?: object[] }): JsYamlSchema;
}
interface JsYaml {
  Type: JsYamlType;
  FAILSAFE_SCHEMA: JsYamlSchema;
  types: { null: object; bool: object };
  load(text: string, options: { schema: JsYamlSchema }): unknown;
}

/**
 * js-yaml (already in node_modules through express-openapi-validator and eslint) with the failsafe schema: PyYAML
 * wrote YAML 1.1, where "0724710345313905" or "0399" are strings, but YAML 1.2 resolvers would make them numbers.
 */
function wolphSchema(): { yaml: JsYaml; schema: JsYamlSchema } {
  const yaml = createRequire(__filename)('js-yaml') as JsYaml;
  const binary = new yaml.Type('tag:yaml.org,2002:binary', {
    kind: 'scalar',
    construct: (data: string) => Buffer.from(data.replace(/\s+/g, ''), 'base64'),
  });
  const object = new yaml.Type('tag:yaml.org,2002:python/object:', {
    kind: 'mapping',
    multi: true,
    construct: (data: Record<string, unknown>, tag?: string) => pythonObject(tag ?? '', data),
  });
  const apply = new yaml.Type('tag:yaml.org,2002:python/object/apply:', {
    kind: 'sequence',
    multi: true,
    construct: (data: unknown[], tag?: string) => pythonApply(tag ?? '', data),
  });
  const schema = yaml.FAILSAFE_SCHEMA.extend({
    implicit: [yaml.types.null, yaml.types.bool],
    explicit: [binary, object, apply],
  });
  return { yaml, schema };
}

function pythonObject(tag: string, data: Record<string, unknown>): unknown {
  if (tag.endsWith('mt940.models.Amount')) {
    return {
      kind: 'amount',
      amount: data.amount as string,
      currency: (data.currency as string | null) ?? null,
    };
  }
  if (tag.endsWith('mt940.models.Balance')) {
    return { kind: 'balance', status: data.status, amount: data.amount, date: data.date };
  }
  return data;
}

function pythonApply(tag: string, args: unknown[]): unknown {
  if (tag.endsWith('decimal.Decimal')) return String(args[0]);
  if (tag.endsWith('mt940.models.Date')) {
    // Python's date pickle state: year (2 bytes, big-endian), month, day.
    const bytes = args[0] as Buffer;
    const year = bytes[0] * 256 + bytes[1];
    return `${year}-${String(bytes[2]).padStart(2, '0')}-${String(bytes[3]).padStart(2, '0')}`;
  }
  return null; // compiled regular expressions and the like
}

export function loadWolph(file: string): WolphTransactions {
  const { yaml, schema } = wolphSchema();
  // Each transaction points back at the Transactions object that holds it; that cycle carries nothing.
  const text = fs.readFileSync(file, 'utf8').replace(/^ {2}transactions: \*id\d+\n/gm, '');
  const loaded = yaml.load(text, { schema }) as {
    data: Record<string, WolphValue>;
    transactions?: { data: Record<string, WolphValue> }[];
  };
  return { data: loaded.data ?? {}, transactions: (loaded.transactions ?? []).map((t) => t.data) };
}
