// The release workflow builds macOS x64 and arm64 on separate runners (each on its own CPU,
// so npm installs matching native modules); each writes a latest-mac.yml naming only its own
// files. electron-updater's macOS updater picks the file for its CPU from one latest-mac.yml,
// so the release gets one: the same version, both files lists. Usage:
//   node scripts/merge-latest-mac.mjs out.yml a/latest-mac.yml b/latest-mac.yml
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

/** Merges parsed latest-mac.yml documents; refuses different versions. */
export function mergeLatestMac(documents) {
  if (documents.length === 0) throw new Error('merge-latest-mac: no latest-mac.yml given');
  const [first] = documents;
  const files = [];
  for (const doc of documents) {
    if (doc.version !== first.version) throw new Error(`merge-latest-mac: versions differ (${first.version} and ${doc.version})`);
    if (!Array.isArray(doc.files)) throw new Error('merge-latest-mac: a latest-mac.yml without a files list');
    for (const file of doc.files) if (!files.some((f) => f.url === file.url)) files.push(file);
  }
  // path/sha512 (read by old updaters) stay the first document's; releaseDate the latest.
  const releaseDate = documents.map((d) => d.releaseDate).filter(Boolean).sort().at(-1);
  return { ...first, files, ...(releaseDate ? { releaseDate } : {}) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, ...inputs] = process.argv.slice(2);
  try {
    const merged = mergeLatestMac(inputs.map((file) => yaml.load(fs.readFileSync(file, 'utf8'))));
    fs.writeFileSync(out, yaml.dump(merged, { lineWidth: -1 }));
    console.log(`merge-latest-mac: ${merged.files.length} files for ${merged.version} in ${out}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
