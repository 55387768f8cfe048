// Every schema migration, in order. Add a new one as NNNN-what-it-does.ts with the next
// version number and append it here; never edit a migration that has shipped.
import type { Migration } from '../migrate';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-run-owner-identity';
import { migration0003 } from './0003-studies';

export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003];
