import assert from 'node:assert/strict';
import type { TransactionAction } from '@azure/data-tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../storage/embeddedAzurite';
import { openTables, ensureTables, TABLES, type TableSet } from '../storage/tables';
import { entitiesReadCount, tableRequestCount } from '../storage/requestCounter';

/** The counter lives on the table clients' pipeline, so calls nobody counted by hand are counted too. */
describe('table request counter (pipeline policy)', function () {
  this.timeout(30_000);
  let azurite: EmbeddedAzurite;
  let tables: TableSet;

  before(async () => {
    azurite = await startEmbeddedAzurite({ inMemory: true, silent: true });
    tables = openTables(azurite.connectionString);
    await ensureTables(tables);
  });
  after(() => azurite.stop());

  it('counts each write, point read and query page, and the entities reads return', async () => {
    const t = tables.client(TABLES.directory);
    const r0 = tableRequestCount();
    const e0 = entitiesReadCount();
    await t.submitTransaction(Array.from({ length: 7 }, (_, i): TransactionAction => ['upsert', { partitionKey: 'counter-test', rowKey: `r${i}`, n: i }]));
    assert.equal(tableRequestCount() - r0, 1, 'one batch');
    assert.equal(entitiesReadCount() - e0, 0, 'a batch reads nothing');

    await t.getEntity('counter-test', 'r3');
    assert.equal(tableRequestCount() - r0, 2);
    assert.equal(entitiesReadCount() - e0, 1, 'a point read returns one entity');

    const pages = t.listEntities({ queryOptions: { filter: `PartitionKey eq 'counter-test'` } }).byPage({ maxPageSize: 3 });
    let rows = 0;
    for await (const page of pages) rows += page.length;
    assert.equal(rows, 7);
    assert.equal(tableRequestCount() - r0, 5, 'three pages of at most 3');
    assert.equal(entitiesReadCount() - e0, 8);

    await t.getEntity('counter-test', 'missing').catch(() => undefined);
    assert.equal(tableRequestCount() - r0, 6, 'a 404 is still a request');
    assert.equal(entitiesReadCount() - e0, 8, 'and reads nothing');
  });
});
