// The two studies the wizard's results offer, from the settings that just ran: "How sure is
// this?" repeats the experiment over 5 seeds; "Which layers should I freeze?" tries every
// frozen depth over 3 seeds. A source trained in the wizard is trained again per seed (its
// settings are part of the experiment); a reused source run stays the same for every seed.
import type { ExperimentSpecInput } from '@contract/spec';
import type { StudySpecInput } from '@contract/study';
import type { Draft } from '../wizard/draft';
import { sourceSpec } from '../wizard/experiment-specs';

export type StudyKind = 'seeds' | 'depths';

export function studyFromResults(kind: StudyKind, draft: Draft, ranSpec: unknown): StudySpecInput {
  const ran = ranSpec as ExperimentSpecInput;
  const source = draft.sourceMode === 'reuse' ? ran.source : sourceSpec(draft).source;
  const experiment = { ...ran, source, target: ran.target ? { ...ran.target, baseline: true } : ran.target };
  return kind === 'seeds'
    ? { name: `${ran.name} · 5 seeds`, seeds: 5, experiment }
    : { name: `${ran.name} · every frozen depth`, seeds: 3, freeze: 'each-depth', experiment };
}
