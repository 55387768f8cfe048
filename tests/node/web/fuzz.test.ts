// Malformed calls, through HTTP and straight through dispatch(): every one is answered
// with an error (never a 500 or a stack, never a crash), nothing is written, and
// Object.prototype stays clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, rowCounts, startWebFixture, type WebFixture } from './web-fixture';
import { fuzzCases } from './fuzz-payloads';
import { createHandlers } from '../../../main/services/handlers';
import { dispatch } from '../../../main/services/dispatch';
import { isMethodName, methods } from '@contract';

let fx: WebFixture;
beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(() => fx?.close());

const cases = fuzzCases();

/** experiments.validate answers an invalid spec with { ok: false, issues }, by contract. */
function isValidateVerdict(method: string, body: unknown): boolean {
  const result = (body as { result?: { ok?: unknown; issues?: unknown[] } }).result;
  return method === 'experiments.validate' && result?.ok === false && Array.isArray(result.issues) && result.issues.length > 0;
}

function expectCleanError(method: string, body: unknown, why: string): void {
  if (isValidateVerdict(method, body)) return;
  expect(body, `${method} ${why}`).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  const { error } = body as { error: { code: string; message: string } };
  expect(error.code, `${method} ${why}: ${error.message}`).not.toBe('internal');
  expect(error.message).not.toMatch(/\n\s+at /);
  expect(Object.keys(error).every((k) => ['code', 'message', 'issues'].includes(k))).toBe(true);
}

describe('fuzzing the contract wrapper', () => {
  it('generates a few hundred cases covering every method', () => {
    expect(cases.length).toBeGreaterThan(300);
    for (const method of Object.keys(methods)) expect(cases.filter((c) => c.method === method).length, method).toBeGreaterThan(15);
    expect(fuzzCases()).toEqual(cases);
  });

  it('answers every malformed call over HTTP and through dispatch() with an error, and writes nothing', async () => {
    const store = fx.server.app.store;
    const before = rowCounts(store);
    const handlers = createHandlers(fx.server.app, 'browser');
    const statuses = new Map<number, number>();
    for (const c of cases) {
      const res = await apiCall(fx.server, c.method, c.body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.headers['content-type'], `${c.method} ${c.why}`).toBe('application/json; charset=utf-8');
      const body = JSON.parse(res.body) as unknown;
      expectCleanError(c.method, body, c.why);
      if (isValidateVerdict(c.method, body)) expect(res.status).toBe(200);
      else expect([400, 404, 422], `${c.method} ${c.why}`).toContain(res.status);

      const direct = await dispatch(handlers, c.method, JSON.parse(c.body));
      expectCleanError(c.method, direct, c.why);
      // The HTTP face adds nothing to and hides nothing from what the core answered.
      if (isMethodName(c.method)) expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
    }
    expect(statuses.get(400)).toBeGreaterThan(300);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(rowCounts(store)).toEqual(before);
    expect(fx.server.app.supervisor.running()).toEqual([]);

    // The server is still up and answering real calls.
    const alive = await apiCall(fx.server, 'runs.list', {});
    expect(alive.status).toBe(200);
    expect(JSON.parse(alive.body).result.total).toBe(0);
  });
});
