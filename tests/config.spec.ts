import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig, ConfigError } from '../config/loadConfig';

describe('config', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3978);
    assert.equal(c.TIME_ZONE, 'Europe/London');
    assert.deepEqual(c.ALLOWED_TENANT_IDS, []);
  });

  it('lists every bad variable at once, and hides secrets', () => {
    try {
      loadConfig({ PORT: 'eighty', MicrosoftAppId: 'not-a-guid', TIME_ZONE: 'Mars/Olympus', ALLOWED_TENANT_IDS: 'abc', MicrosoftAppType: 'SingleTenant' });
      assert.fail('should have thrown');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const names = err.problems.map((p) => p.split(' ')[0]).sort();
      assert.deepEqual(names, ['ALLOWED_TENANT_IDS', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'PORT', 'TIME_ZONE'].sort());
      assert.match(err.message, /TIME_ZONE must be an IANA time zone.*got "Mars\/Olympus"/);
    }
  });

  it('stops the real entry point with one message listing the problems, before touching storage', () => {
    const root = path.resolve(__dirname, '..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: '-1', MicrosoftAppId: 'nope', MicrosoftAppPassword: 'hunter2' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /Configuration is not valid/);
    assert.match(r.stderr, /PORT/);
    assert.match(r.stderr, /MicrosoftAppId must be a GUID/);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });
});
