// Reading and writing the *_json columns. Writing refuses values JSON cannot represent
// faithfully (undefined at the top, functions, cycles, BigInt) with an error naming the field.
import { StoreError } from './store-error';

export function toJson(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new StoreError('invalid', `${field}: expected a JSON-serialisable value (${(err as Error).message})`);
  }
  if (text === undefined) throw new StoreError('invalid', `${field}: expected a JSON-serialisable value, got ${typeof value}`);
  return text;
}

export function toJsonOrNull(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : toJson(value, field);
}

export function fromJson<T>(text: string): T;
export function fromJson<T>(text: string | null): T | null;
export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
