import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, ConfigError } from '../config/loadConfig';

describe('config', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3978);
    assert.equal(c.TIME_ZONE, 'Europe/London');
    assert.deepEqual(c.ALLOWED_TENANT_IDS, []);
  });

  it('sign-off escalation: five working days by default, 0 turns it off, anything else not a whole number 0-60 is refused', () => {
    assert.equal(loadConfig({}).SIGNOFF_ESCALATE_WORKING_DAYS, 5);
    assert.equal(loadConfig({ SIGNOFF_ESCALATE_WORKING_DAYS: '0' }).SIGNOFF_ESCALATE_WORKING_DAYS, 0);
    for (const bad of ['-1', '2.5', 'five', '61']) {
      assert.throws(() => loadConfig({ SIGNOFF_ESCALATE_WORKING_DAYS: bad }), (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('SIGNOFF_ESCALATE_WORKING_DAYS')), bad);
    }
  });

  it('KPI reminder timing: defaults of five, whole numbers in range, bad values listed with the others', () => {
    const d = loadConfig({});
    assert.equal(d.KPI_REMINDER_WORKING_DAYS, 5);
    assert.equal(d.KPI_NUDGE_DAYS, 5);
    const c = loadConfig({ KPI_REMINDER_WORKING_DAYS: '3', KPI_NUDGE_DAYS: '10' });
    assert.equal(c.KPI_REMINDER_WORKING_DAYS, 3);
    assert.equal(c.KPI_NUDGE_DAYS, 10);
    for (const [bad, other] of [['0', '5'], ['2.5', '5'], ['five', '5'], ['5', '-1'], ['21', '5'], ['5', '31']]) {
      try {
        loadConfig({ KPI_REMINDER_WORKING_DAYS: bad, KPI_NUDGE_DAYS: other, PORT: 'eighty' });
        assert.fail(`should refuse ${bad}/${other}`);
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        const names = err.problems.map((p) => p.split(' ')[0]).sort();
        const expected = ['PORT', bad !== '5' ? 'KPI_REMINDER_WORKING_DAYS' : 'KPI_NUDGE_DAYS'].sort();
        assert.deepEqual(names, expected, `${bad}/${other}: ${err.message}`);
      }
    }
  });

  it('lists every bad variable at once, and hides secrets', () => {
    try {
      loadConfig({ PORT: 'eighty', MicrosoftAppId: 'not-a-guid', TIME_ZONE: 'Mars/Olympus', ALLOWED_TENANT_IDS: 'abc', MicrosoftAppType: 'SingleTenant', FAKE_TODAY: '2026-11-22' });
      assert.fail('should have thrown');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const names = err.problems.map((p) => p.split(' ')[0]).sort();
      assert.deepEqual(names, ['ALLOWED_TENANT_IDS', 'FAKE_TODAY', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'PORT', 'STORAGE_CONNECTION_STRING', 'TIME_ZONE'].sort());
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

  describe('a deployed bot (MicrosoftAppId set)', () => {
    const APP = { MicrosoftAppId: '0c5f1a44-1d2b-4c3e-9f00-5e1a2b3c4d5e', MicrosoftAppPassword: 'pw' };
    const STORE = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
    };

    it('needs a storage account: no silent embedded Azurite on a server', () => {
      const problems = problemsOf(APP);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], /^STORAGE_CONNECTION_STRING is required when MicrosoftAppId is set/);
      assert.deepEqual(problemsOf({ ...APP, ...STORE }), []);
      // Local development without an app id keeps the embedded store.
      assert.equal(loadConfig({}).STORAGE_CONNECTION_STRING, undefined);
    });

    it('refuses FAKE_TODAY, which is only for demos and tests', () => {
      const problems = problemsOf({ ...APP, ...STORE, FAKE_TODAY: '2026-11-22' });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], /^FAKE_TODAY must not be set when MicrosoftAppId is set/);
      assert.equal(loadConfig({ FAKE_TODAY: '2026-11-22' }).FAKE_TODAY, '2026-11-22');
    });

    it('the real entry point exits 2 with that message and creates no local store', () => {
      const root = path.resolve(__dirname, '..');
      const location = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'no-azurite-')), 'azurite');
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH, ...APP, FAKE_TODAY: '2026-11-22', AZURITE_LOCATION: location, PORT: '0' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /STORAGE_CONNECTION_STRING is required when MicrosoftAppId is set/);
      assert.match(r.stderr, /FAKE_TODAY must not be set/);
      assert.ok(!fs.existsSync(location), 'no Azurite folder was created');
    });
  });
});
