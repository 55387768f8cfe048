// Signing choices scripts/dist.mjs makes from the secrets present, checked against
// electron-builder's own schema, and the macOS entitlements the hardened runtime needs.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
// @ts-expect-error plain JavaScript build script without type declarations
import { signingPlan } from '../../../scripts/dist.mjs';

const require = createRequire(import.meta.url);
const appleApi = { APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'KEY', APPLE_API_ISSUER: 'ISS' };
const appleId = { APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'pw', APPLE_TEAM_ID: 'TEAM' };

describe('signingPlan', () => {
  it('macOS without a certificate: ad-hoc identity, no notarisation, recorded as unsigned', () => {
    expect(signingPlan('darwin', {})).toEqual({
      signed: false,
      notarize: false,
      args: ['-c.mac.identity=-', '-c.mac.notarize=false', '-c.extraMetadata.transferLabBuild.signed=false'],
    });
    // Apple credentials alone cannot notarise an ad-hoc signature.
    expect(signingPlan('darwin', { ...appleId, CSC_LINK: '  ' }).notarize).toBe(false);
  });

  it('macOS with a certificate: signed, notarised only with a complete set of APPLE_* credentials', () => {
    expect(signingPlan('darwin', { CSC_LINK: 'base64', ...appleApi })).toEqual({
      signed: true,
      notarize: true,
      args: ['-c.mac.notarize=true', '-c.extraMetadata.transferLabBuild.signed=true'],
    });
    expect(signingPlan('darwin', { CSC_LINK: 'base64', ...appleId }).notarize).toBe(true);
    expect(signingPlan('darwin', { CSC_LINK: 'base64', APPLE_ID: 'a@b.c' }).notarize).toBe(false);
  });

  it('Windows is signed only with a certificate; Linux never', () => {
    expect(signingPlan('win32', { CSC_LINK: 'pfx' })).toMatchObject({ signed: true, args: ['-c.extraMetadata.transferLabBuild.signed=true'] });
    expect(signingPlan('win32', {})).toMatchObject({ signed: false });
    expect(signingPlan('linux', { CSC_LINK: 'x' })).toMatchObject({ signed: false });
  });

  it("electron-builder's schema accepts the overrides it passes", async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig(dir: string, file: string, o: null): Promise<Record<string, Record<string, unknown>>>;
      validateConfiguration(config: object, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = await getConfig(path.resolve('.'), 'electron-builder.yml', null);
    for (const notarize of [true, false]) {
      const withOverrides = { ...config, mac: { ...config.mac, identity: '-', notarize }, extraMetadata: { transferLabBuild: { signed: false } } };
      await expect(validateConfiguration(withOverrides, new DebugLogger(false))).resolves.toBeUndefined();
    }
  });
});

describe('macOS entitlements', () => {
  it('grant JIT and unsigned executable memory to V8 and disable library validation for native modules, nothing else', () => {
    const plist = fs.readFileSync('resources/build/entitlements.mac.plist', 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.cs.allow-unsigned-executable-memory', 'com.apple.security.cs.disable-library-validation']);
  });
});
