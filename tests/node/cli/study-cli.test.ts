// `transfer-lab study` as users run it: the built CLI in a child process, real workers, real
// SQLite. A 2-depth × 3-seed study on the built-in shapes end to end; then a study killed with
// SIGKILL mid-way reads interrupted and `study resume` runs only what had not finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { tinySpec } from '../training/tiny-specs';
import { CLI_BIN, runCli } from './run-cli';

const bin = CLI_BIN;
let dir: string;

const cli = (args: string[], home = dir) => runCli(home, args);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-study-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));

const study = (extra: Record<string, unknown> = {}, experiment = tinySpec({ targetEpochs: 2 })) =>
  ({ name: 'shapes study', seeds: 3, freeze: ['none', { through: 'pool1' }], experiment, ...extra });

interface Row { key: string; kind: string; seed: number; status: string; experiment_id: string | null; run_id: string | null }

describe('transfer-lab study', () => {
  it('runs 2 depths × 3 seeds end to end: shared sources, paired baselines, intervals, every run in Runs', async () => {
    const file = path.join(dir, 'study.json');
    fs.writeFileSync(file, JSON.stringify(study()));
    const { code, stdout, stderr } = await cli(['study', file, '--json', '--concurrency', '2']);
    expect(stderr).toMatch(/: 12 experiments to run, 2 at a time, \d+ training threads? each/);
    expect(stderr).toMatch(/study: 2\/2 cells, 12\/12 experiments done/);
    expect(stderr).toMatch(/study: 0\/2 cells, 1\/12 experiments done/);
    expect(stderr).toMatch(/about \d+ s left/);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.status).toBe('completed');
    expect(report.concurrency * report.trainingThreads).toBeLessThanOrEqual(os.availableParallelism());
    expect(report.seeds).toEqual([3, 4, 5]);
    expect(report.cells.map((c: { label: string }) => c.label)).toEqual(['nothing frozen · 12 per class', 'frozen through pool1 · 12 per class']);
    for (const cell of report.cells) {
      expect(cell.seeds).toBe(3);
      expect(cell.pairs.map((p: { seed: number }) => p.seed)).toEqual([3, 4, 5]);
      expect(cell.gainInterval[0]).toBeLessThanOrEqual(cell.meanGain);
      expect(['helps', 'hurts', 'within-noise']).toContain(cell.verdict);
      expect(cell.verdictText).toContain('3 seeds');
    }
    expect(report.cells[1].trainableParams).toBeLessThan(report.cells[0].trainableParams);
    // Both cells of a seed are paired with the same baseline.
    expect(report.cells[0].pairs.map((p: { baselineRunId: string }) => p.baselineRunId)).toEqual(report.cells[1].pairs.map((p: { baselineRunId: string }) => p.baselineRunId));
    expect(report.recommendation.text.length).toBeGreaterThan(10);

    const db = new BetterSqlite3(path.join(dir, 'transfer-lab.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT key, kind, seed, status, experiment_id, run_id FROM study_experiments WHERE study_id = ?').all(report.id) as Row[];
    expect(rows.map((r) => r.kind).sort()).toEqual([...Array(3).fill('baseline'), ...Array(3).fill('source'), ...Array(6).fill('transfer')]);
    expect(rows.every((r) => r.status === 'completed' && r.experiment_id && r.run_id)).toBe(true);
    // One source per seed, reused: every baseline and transfer run descends from its seed's source run, which ended before it started.
    const run = db.prepare('SELECT id, role, parent_run_id, started_at, ended_at FROM runs WHERE id = ?');
    for (const r of rows.filter((x) => x.kind !== 'source')) {
      const source = rows.find((x) => x.kind === 'source' && x.seed === r.seed)!;
      const child = run.get(r.run_id) as { parent_run_id: string; started_at: number; role: string };
      const parent = run.get(source.run_id) as { id: string; ended_at: number };
      expect(child.parent_run_id).toBe(parent.id);
      expect(child.started_at).toBeGreaterThanOrEqual(parent.ended_at);
      expect(child.role).toBe(r.kind === 'baseline' ? 'baseline' : 'target');
    }
    db.close();
    const runs = JSON.parse((await cli(['runs', '--json'])).stdout);
    expect(runs.total).toBe(12);

    const show = await cli(['study', 'show', report.id.slice(0, 10)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/nothing frozen · 12 per class\s+3\s+[+−]\d+\.\d \([+−]\d+\.\d to [+−]\d+\.\d\)/);
    expect(show.stdout).toContain('recommendation: ');
    expect(show.stdout).toContain('Student t-interval');
  });

  it('names the bad field of a study spec in one line and exits 2', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(study({ targetPerClass: [5, 0] })));
    const { code, stderr } = await cli(['study', file]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('targetPerClass.1');
    const flag = await cli(['study', file, '--concurrency', 'many']);
    expect(flag).toMatchObject({ code: 2, stderr: expect.stringContaining('--concurrency: expected a whole number') });
  });

  it('resumes a study killed mid-way with only its unfinished experiments', async () => {
    const home = fs.mkdtempSync(path.join(dir, 'killed-'));
    const file = path.join(home, 'study.json');
    fs.writeFileSync(file, JSON.stringify(study({ seeds: 2, freeze: ['none'] }, tinySpec({ targetEpochs: 12 }))));
    const child = spawn(process.execPath, [bin, 'study', file, '--concurrency', '1'], { env: { ...process.env, TRANSFER_LAB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Kill it once two experiments have finished (the sources run first) and another is training.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress: ${stderr}`)), 90_000);
      child.stderr.on('data', () => {
        if (/study: 0\/1 cells, 2\/6 experiments done/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = new BetterSqlite3(path.join(home, 'transfer-lab.sqlite'), { readonly: true });
    const before = db.prepare('SELECT key, status, experiment_id FROM study_experiments ORDER BY position').all() as { key: string; status: string; experiment_id: string | null }[];
    db.close();
    const finishedBefore = before.filter((r) => r.status === 'completed');
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2);

    const list = await cli(['study', 'list'], home);
    expect(list.stdout).toMatch(/interrupted\s+\d\/6 experiments/);
    const id = list.stdout.split(/\s+/)[0];
    const resumed = await cli(['study', 'resume', id, '--json'], home);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`: ${6 - finishedBefore.length} of 6 experiments to run, `);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe('completed');
    expect(report.cells[0].seeds).toBe(2);
    // What had finished was kept, not run again.
    for (const row of finishedBefore) expect(report.experiments.find((e: { key: string }) => e.key === row.key).experimentId).toBe(row.experiment_id);
    const after = new BetterSqlite3(path.join(home, 'transfer-lab.sqlite'), { readonly: true });
    const experiments = after.prepare('SELECT count(*) FROM experiments').pluck().get() as number;
    const interrupted = after.prepare(`SELECT count(*) FROM runs WHERE status = 'interrupted'`).pluck().get() as number;
    after.close();
    // Six experiments, plus the one that was training when the CLI was killed (kept, interrupted).
    expect(experiments).toBe(6 + interrupted);
    expect(interrupted).toBeLessThanOrEqual(1);
  });
});
