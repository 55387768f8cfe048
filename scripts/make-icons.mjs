// Renders resources/build/icon.svg into every icon the installers need, at build time
// (`npm run dist` runs it; the outputs are not committed):
//   resources/build/icon.png           1024×1024, electron-builder's fallback and the macOS dock
//   resources/build/icon.icns          macOS
//   resources/build/icon.ico           Windows (installer, executable, shortcuts)
//   resources/build/icons/NxN.png      Linux (hicolor sizes for the desktop entry)
// sharp (libvips with librsvg) draws the SVG at each size, so small sizes are drawn, not
// shrunk from a bitmap; png2icons packs the ICNS and ICO containers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import png2icons from 'png2icons';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

export async function renderPng(svg, size) {
  // density scales the vector drawing itself (72 dpi is the SVG's own 1024 px).
  return sharp(svg, { density: (72 * size) / 1024 }).resize(size, size).png().toBuffer();
}

export async function makeIcons({ source = path.join(root, 'resources/build/icon.svg'), outDir = path.join(root, 'resources/build'), log = console.log } = {}) {
  const svg = fs.readFileSync(source);
  const big = await renderPng(svg, 1024);
  fs.writeFileSync(path.join(outDir, 'icon.png'), big);
  const icns = png2icons.createICNS(big, png2icons.BICUBIC2, 0);
  if (!icns) throw new Error(`make-icons: png2icons could not create an ICNS from ${source}`);
  fs.writeFileSync(path.join(outDir, 'icon.icns'), icns);
  // forWinExe: PNG chunks, BMP below 64 px, as Windows Explorer's property dialog expects.
  const ico = png2icons.createICO(await renderPng(svg, 256), png2icons.BICUBIC2, 0, false, true);
  if (!ico) throw new Error(`make-icons: png2icons could not create an ICO from ${source}`);
  fs.writeFileSync(path.join(outDir, 'icon.ico'), ico);
  const linuxDir = path.join(outDir, 'icons');
  fs.mkdirSync(linuxDir, { recursive: true });
  for (const size of LINUX_SIZES) fs.writeFileSync(path.join(linuxDir, `${size}x${size}.png`), await renderPng(svg, size));
  log(`make-icons: icon.png, icon.icns, icon.ico and icons/{${LINUX_SIZES.join(',')}}.png in ${path.relative(root, outDir) || '.'}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  makeIcons().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
