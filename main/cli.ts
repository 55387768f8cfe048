// transfer-lab: the command-line face of the application core. Every command is contract
// calls through dispatch() (cli/core-client.ts) and prints contract results and events.
//   transfer-lab run <spec.json> [--db <file>] [--json] [--no-baseline]
//   transfer-lab estimate <spec.json> [--json]
//   transfer-lab runs [--json] [--status S] [--role R] [--text T] [--limit N]
//   transfer-lab show <run id> [--json]
//   transfer-lab import <run-bundle.json>
//   transfer-lab train-more <run id> --epochs N [--json]
//   transfer-lab resume <run id> [--json]
//   transfer-lab study <study.json> [--json] [--concurrency N] | study resume <id> | study show <id> | study list
//   transfer-lab doctor
//   transfer-lab schema
//   transfer-lab web [--port N] [--open | --no-open]
// Exit codes, by the contract's error code (one table: cli/user-error.ts): 0 success; 2 the
// user's mistake (bad flags, spec, dataset, model, backend or run id, whether found while
// parsing or by the training worker), told in one line on stderr; 130 cancelled (Ctrl-C);
// 1 anything else (a crash, an out-of-memory). Never a stack trace.
import { parseArgs } from 'node:util';
import { runCommand } from './cli/run-command';
import { estimateCommand } from './cli/estimate-command';
import { importCommand, runsCommand, showCommand } from './cli/history-commands';
import { doctorCommand } from './cli/doctor-command';
import { webCommand } from './cli/web-command';
import { trainMoreCommand, resumeCommand } from './cli/continue-commands';
import { studyCommand } from './cli/study-command';
import { studySpecJsonSchema } from '@contract/study';
import { experimentSpecJsonSchema } from '@contract/spec';
import { UserError, exitCodeOf, isUserMistake } from './cli/user-error';

const USAGE = `Usage: transfer-lab <command> [options]

Commands:
  run <spec.json>     run an experiment (source training, fine-tuning, baseline)
      --db <file>     database file (default: the app's data folder)
      --json          print one JSON object with the results at the end
      --no-baseline   leave out the from-scratch baseline the spec asks for (see estimate)
  estimate <spec.json>
                      what each phase (source, fine-tuning, baseline) will take on this machine,
                      measured without training   [--json]
  runs                list recorded runs   [--json] [--status S] [--role R] [--text T] [--limit N]
  show <run id>       one run's settings, curves and evaluation   [--json]
  import <bundle>     record a run exported by another Transfer Lab (JSON bundle)
  train-more <run id> --epochs N
                      train a completed run N more epochs, as a new linked run   [--json]
  resume <run id>     continue an interrupted, failed or cancelled run from its last checkpoint   [--json]
  study <study.json>  run a study: the experiment over seeds and settings, paired with training from scratch
      --concurrency N experiments at a time (default: the planner's choice, at most the cores)
      --json          print the study's report as JSON
  study resume <id>   run an interrupted or cancelled study's unfinished experiments
  study show <id>     a study's cells, intervals, verdicts and recommendation   [--json]
  study list          the recorded studies   [--json]
  doctor              backends, versions and the data folder
  schema [study]      print the JSON Schema of experiment specs (or of study specs)
  web                 browser mode: serve the app on 127.0.0.1 and print its URL (with a token)
      --port <N>      port to listen on (default 0: any free port)
      --open          also open the URL in the default browser (default: --no-open)

Environment: TRANSFER_LAB_HOME overrides the data folder.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-baseline': { type: 'boolean', default: false },
      status: { type: 'string' },
      role: { type: 'string' },
      text: { type: 'string' },
      limit: { type: 'string' },
      epochs: { type: 'string' },
      concurrency: { type: 'string' },
      port: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      open: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (!command || command === 'help' || command === '--help' || command === '-h' || values.help) {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  switch (command) {
    case 'run':
      if (positionals.length !== 1) throw new UserError('run needs exactly one spec file: transfer-lab run <spec.json>');
      return runCommand(positionals[0], { db: values.db, json: values.json, noBaseline: values['no-baseline'] });
    case 'estimate':
      if (positionals.length !== 1) throw new UserError('estimate needs exactly one spec file: transfer-lab estimate <spec.json>');
      return estimateCommand(positionals[0], { db: values.db, json: values.json });
    case 'runs':
      return runsCommand({ db: values.db, json: values.json, status: values.status, role: values.role, text: values.text, limit: values.limit });
    case 'show':
      if (positionals.length !== 1) throw new UserError('show needs a run id: transfer-lab show <run id>');
      return showCommand(positionals[0], { db: values.db, json: values.json });
    case 'import':
      if (positionals.length !== 1) throw new UserError('import needs a bundle file: transfer-lab import <run-bundle.json>');
      return importCommand(positionals[0], { db: values.db });
    case 'train-more':
      if (positionals.length !== 1) throw new UserError('train-more needs a run id: transfer-lab train-more <run id> --epochs N');
      return trainMoreCommand(positionals[0], values.epochs, { db: values.db, json: values.json });
    case 'resume':
      if (positionals.length !== 1) throw new UserError('resume needs a run id: transfer-lab resume <run id>');
      return resumeCommand(positionals[0], { db: values.db, json: values.json });
    case 'study':
      return studyCommand(positionals, { db: values.db, json: values.json, concurrency: values.concurrency });
    case 'doctor':
      return doctorCommand({ db: values.db });
    case 'web':
      if (positionals.length !== 0) throw new UserError('web takes no arguments: transfer-lab web [--port N] [--open]');
      return webCommand({ port: values.port, db: values.db, open: values.open && !values['no-open'] });
    case 'schema':
      if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'study')) throw new UserError('schema takes nothing or "study": transfer-lab schema [study]');
      process.stdout.write(JSON.stringify(positionals[0] === 'study' ? studySpecJsonSchema() : experimentSpecJsonSchema(), null, 2) + '\n');
      return 0;
    default:
      throw new UserError(`unknown command "${command}" (try: transfer-lab --help)`);
  }
}

// `transfer-lab runs | head -1`: once the reader has gone, there is nobody to tell anything to.
// Stop quietly instead of dying on EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'EOF') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`transfer-lab: ${message}\n`);
    if (!isUserMistake(err) && process.env.TRANSFER_LAB_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = exitCodeOf(err);
  },
);
