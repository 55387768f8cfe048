// The icons scripts/make-icons.mjs renders from resources/build/icon.svg (for real, with sharp
// and png2icons, into a temporary folder), and electron-builder.yml pointing each OS at them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
// @ts-expect-error plain JavaScript build script without type declarations
import { LINUX_SIZES, makeIcons } from '../../../scripts/make-icons.mjs';

const require = createRequire(import.meta.url);
let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-icons-'));
  await makeIcons({ outDir: out, log: () => undefined });
}, 60_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('make-icons', () => {
  it('draws a 1024 px PNG and every Linux size, each square, opaque in the middle and transparent in the corner', async () => {
    expect((await sharp(path.join(out, 'icon.png')).metadata()).width).toBe(1024);
    for (const size of LINUX_SIZES as number[]) {
      const file = path.join(out, 'icons', `${size}x${size}.png`);
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels], file).toEqual([size, size, 4]);
      const alpha = (x: number, y: number) => data[(y * size + x) * 4 + 3];
      expect(alpha(0, 0), `${file} corner`).toBe(0);
      expect(alpha(size >> 1, size >> 1), `${file} centre`).toBe(255);
    }
  });

  it('packs an ICNS with PNG chunks up to 1024 px and an ICO with sizes 16 to 256', () => {
    const icns = fs.readFileSync(path.join(out, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const chunks: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) chunks.push(icns.subarray(at, at + 4).toString('latin1'));
    expect(chunks).toEqual(expect.arrayContaining(['ic10', 'ic09', 'ic08', 'ic07']));

    const ico = fs.readFileSync(path.join(out, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]); // reserved, type icon
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });
});

describe('electron-builder.yml icons and desktop entry', () => {
  it('points each OS at the generated icons and names the Linux entry, category Education;Science', async () => {
    const { getConfig } = require('app-builder-lib/out/util/config/config') as { getConfig(dir: string, file: string, o: null): Promise<Record<string, Record<string, unknown>>> };
    const config = await getConfig(path.resolve('.'), 'electron-builder.yml', null);
    const resources = (config.directories as { buildResources: string }).buildResources;
    expect(resources).toBe('resources/build');
    expect(config.mac.icon).toBe('icon.icns');
    expect(config.win.icon).toBe('icon.ico');
    expect(config.linux.icon).toBe('icons');
    expect(fs.existsSync(path.join(resources, 'icon.svg'))).toBe(true);
    expect((config.linux.desktop as { entry: Record<string, string> }).entry).toMatchObject({ Name: 'Transfer Lab', Categories: 'Education;Science;' });
    // The generated files are build outputs, never committed.
    const ignored = fs.readFileSync('.gitignore', 'utf8');
    for (const generated of ['icon.png', 'icon.icns', 'icon.ico', 'icons/']) expect(ignored).toContain(`/resources/build/${generated}`);
  });
});
