#!/usr/bin/env node
// The `transfer-lab` command: the built CLI (npm ci / npm install builds it via `prepare`).
require('../dist/main/cli.js');
