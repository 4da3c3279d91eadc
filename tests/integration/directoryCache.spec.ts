import assert from 'node:assert/strict';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../storage/embeddedAzurite';
import { openTables, ensureTables, TABLES } from '../../storage/tables';
import { DirectoryRepository, DIRECTORY_CHECK_MS } from '../../storage/directoryRepository';
import { tableRequestCount } from '../../storage/requestCounter';
import type { Person } from '../../domain/model';

/**
 * The directory is held in memory and re-read when its revision row moves (storage/directoryRepository.ts).
 * Two repositories on one Azurite stand for two bot instances.
 */
const ROSA: Person = { role: 'HoS (RB)', name: 'Rosa Bennett', email: 'rosa@example.org', aadObjectId: 'aad-rosa', managerRole: 'DCS' };
const JORDAN: Person = { role: 'DCS', name: 'Jordan Price', email: 'jordan@example.org', aadObjectId: 'aad-jordan' };
const SAM: Person = { role: 'HoS (RB)', name: 'Sam Okafor', email: 'sam@example.org', aadObjectId: 'aad-sam', managerRole: 'DCS' };

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the directory is read once per revision, and a change is seen', function () {
  this.timeout(60_000);
  let azurite: EmbeddedAzurite;
  let connection: string;
  before(async () => {
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
    connection = azurite.connectionString;
    await ensureTables(openTables(connection));
  });
  after(() => azurite.stop());

  it('answers repeated look-ups from memory, then checks only the revision row', async () => {
    const a = new DirectoryRepository(openTables(connection));
    await a.upsertPeople([ROSA, JORDAN]);
    const b = new DirectoryRepository(openTables(connection));
    assert.deepEqual((await b.rolesOf({ aadObjectId: 'AAD-ROSA' })).map((p) => p.name), ['Rosa Bennett']);
    const r0 = tableRequestCount();
    assert.equal((await b.findByRole('hos (rb)'))?.name, 'Rosa Bennett');
    assert.equal((await b.findByRole('DCS'))?.name, 'Jordan Price');
    assert.deepEqual((await b.rolesOf({ email: 'jordan@example.org' })).map((p) => p.role), ['DCS']);
    assert.equal(await b.findByRole('Nobody holds this'), undefined);
    assert.equal(tableRequestCount() - r0, 0, 'within the check interval: no requests');
    await wait(DIRECTORY_CHECK_MS + 50);
    const r1 = tableRequestCount();
    await Promise.all([b.findByRole('DCS'), b.rolesOf({ aadObjectId: 'aad-rosa' }), b.listAll()]);
    assert.equal(tableRequestCount() - r1, 1, 'after it, one read of the revision row, shared by concurrent look-ups');
  });

  it('a role handed to someone else by another instance is seen within the check interval; by this one at once', async () => {
    const a = new DirectoryRepository(openTables(connection));
    const b = new DirectoryRepository(openTables(connection));
    await a.upsertPeople([ROSA, JORDAN]);
    assert.equal((await b.findByRole('HoS (RB)'))?.name, 'Rosa Bennett');
    assert.equal((await b.rolesOf({ aadObjectId: 'aad-rosa' })).length, 1);
    await a.upsertPeople([SAM]);
    assert.equal((await a.findByRole('HoS (RB)'))?.name, 'Sam Okafor', 'the writing instance sees its write at once');
    assert.deepEqual(await a.rolesOf({ aadObjectId: 'aad-rosa' }), [], 'and the previous holder has lost the role');
    await wait(DIRECTORY_CHECK_MS + 50);
    assert.equal((await b.findByRole('HoS (RB)'))?.name, 'Sam Okafor', 'the other instance after the interval');
    assert.deepEqual(await b.rolesOf({ aadObjectId: 'aad-rosa' }), []);
    assert.deepEqual((await b.rolesOf({ aadObjectId: 'aad-sam' })).map((p) => p.role), ['HoS (RB)']);
  });

  it('reads a directory written before the revision row existed', async () => {
    const tables = openTables(connection);
    const t = tables.client(TABLES.directory);
    await t.deleteEntity('meta', 'revision');
    await t.upsertEntity({ partitionKey: 'role', rowKey: 'headofqa', role: 'Head of QA', name: 'Kit Moss', email: 'kit@example.org', aadObjectId: 'aad-kit' }, 'Replace');
    const c = new DirectoryRepository(tables);
    assert.equal((await c.findByRole('Head of QA'))?.name, 'Kit Moss');
    assert.equal((await c.findByRole('DCS'))?.name, 'Jordan Price');
  });
});
