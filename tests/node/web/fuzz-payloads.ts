// Deterministic malformed payloads for every contract method: non-objects, extra keys,
// prototype-pollution keys, wrong types, huge strings, deep nesting and missing fields.
// Each payload is JSON text, parsed the way the server parses it, so "__proto__" arrives
// as an own key (as an attacker's would) rather than setting a prototype.
import { createRng } from '../../../main/engine/rng';
import { methods, type MethodName } from '@contract';
import { tinySpec } from '../training/tiny-specs';

const ID = '0123456789abcdefghjkmnpqrs';
const builtin = { kind: 'builtin', name: 'shapes' };
const TINY_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

/** A well-formed argument for each method, which the mutations below break. */
export const validArgs: Record<MethodName, Record<string, unknown>> = {
  'app.info': {},
  'datasets.preview': { dataset: builtin, perClass: 2, seed: 1 },
  'datasets.samples': { dataset: builtin, seed: 1, ids: ['a'] },
  'experiments.validate': { spec: tinySpec() },
  'experiments.estimate': { spec: tinySpec() },
  'experiments.start': { spec: tinySpec() },
  'experiments.cancel': { experimentId: ID },
  'experiments.get': { experimentId: ID },
  'experiments.delete': { experimentId: ID },
  'experiments.running': {},
  'runs.list': { text: 'x', limit: 5 },
  'runs.facets': {},
  'runs.trainMore': { runId: ID, epochs: 2 },
  'runs.resume': { runId: ID },
  'runs.get': { runId: ID },
  'runs.delete': { runId: ID },
  'runs.tag': { runId: ID, tag: 'good' },
  'runs.note': { runId: ID, notes: 'hello' },
  'runs.rename': { runId: ID, name: 'renamed' },
  'runs.compare': { runIds: [ID, ID] },
  'runs.exportCsv': { limit: 5 },
  'runs.exportBundle': { runId: ID },
  'runs.importBundle': { bundle: { format: 'transfer-lab-run', version: 1 } },
  'models.summary': { architecture: 'mlp', inputShape: [4], numClasses: 2 },
  'models.predict': { runId: ID, images: [TINY_PNG] },
  'models.export': { runId: ID, folder: '/tmp/transfer-lab-fuzz-export' },
  'studies.start': { spec: { experiment: tinySpec(), seeds: 2 }, concurrency: 1 },
  'studies.resume': { studyId: ID, concurrency: 1 },
  'studies.get': { studyId: ID },
  'studies.list': {},
  'studies.cancel': { studyId: ID },
  'studies.delete': { studyId: ID },
  'dialogs.openFolder': { purpose: 'dataset' },
  'dialogs.openFile': { kind: 'csv' },
  'dialogs.showDataFolder': {},
};

/** Arguments that are well-formed but whose required keys are all absent (null: none required). */
const requiredKeys: Record<MethodName, string[]> = Object.fromEntries(
  (Object.keys(validArgs) as MethodName[]).map((m) => [m, Object.keys(validArgs[m]).filter((k) => !methods[m].args.safeParse(without(validArgs[m], k)).success)]),
) as Record<MethodName, string[]>;

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

const HUGE = JSON.stringify('x'.repeat(1024 * 1024));
const deepArray = '['.repeat(5000) + ']'.repeat(5000);
const deepObject = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);

/** Whole-payload replacements: none is an object a strict schema could accept. */
const notObjects = ['null', '42', '-1.5e308', 'true', '"app.info"', HUGE, '[]', '[{}]', '[null,1,"a"]', deepArray, deepObject.replace(/^\{"a":/, '[').replace(/\}$/, ']')];

/** Values of the wrong kind for any field (filtered against each field's valid value). */
const wrongValues: { json: string; kind: string }[] = [
  { json: 'null', kind: 'null' },
  { json: '7', kind: 'number' },
  { json: '-0.5', kind: 'number' },
  { json: '1e400', kind: 'number' },
  { json: 'false', kind: 'boolean' },
  { json: '""', kind: 'string' },
  { json: '"../../etc/passwd"', kind: 'string' },
  { json: HUGE, kind: 'string' },
  { json: '[]', kind: 'array' },
  { json: '[[[[[[]]]]]]', kind: 'array' },
  { json: '{}', kind: 'object' },
  { json: '{"__proto__":{"polluted":1}}', kind: 'object' },
  { json: deepObject, kind: 'object' },
];

const pollution = ['"__proto__":{"polluted":1}', '"constructor":{"prototype":{"polluted":1}}', '"prototype":{"polluted":1}', '"extra":1', '"toString":"x"'];

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export interface FuzzCase {
  method: string;
  /** The JSON text of the argument. */
  body: string;
  why: string;
}

/** A few hundred malformed calls, the same on every run (seeded choice of wrong values). */
export function fuzzCases(seed = 20240601): FuzzCase[] {
  const rng = createRng(seed);
  const cases: FuzzCase[] = [];
  for (const method of Object.keys(validArgs) as MethodName[]) {
    const valid = validArgs[method];
    const fields = Object.entries(valid).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    for (const body of notObjects) cases.push({ method, body, why: 'not an object' });
    for (const key of pollution) cases.push({ method, body: `{${[...fields, key].join(',')}}`, why: `extra key ${key}` });
    for (const [key, value] of Object.entries(valid)) {
      const wrong = wrongValues.filter((w) => w.kind !== kindOf(value));
      // Three wrong values per field, picked by the seeded generator.
      for (let i = 0; i < 3 && wrong.length > 0; i++) {
        const pick = wrong.splice(Math.floor(rng() * wrong.length), 1)[0];
        const replaced = Object.entries(valid).map(([k, v]) => `${JSON.stringify(k)}:${k === key ? pick.json : JSON.stringify(v)}`);
        cases.push({ method, body: `{${replaced.join(',')}}`, why: `${key} = ${pick.json.slice(0, 30)}` });
      }
    }
    for (const key of requiredKeys[method]) cases.push({ method, body: JSON.stringify(without(valid, key)), why: `missing ${key}` });
  }
  for (const method of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', 'app', 'app.info.x', 'APP.INFO', 'runs.list ', 'experiments', 'x'.repeat(300)]) {
    cases.push({ method, body: '{}', why: 'unknown method' });
  }
  return cases;
}
