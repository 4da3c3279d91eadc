import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../storage/embeddedAzurite';

// Without this the SDKs retry a refused connection with back-off for most of a minute.
const noRetry = { retryOptions: { maxRetries: 0 } };

function tableClient(az: EmbeddedAzurite, name: string): TableClient {
  return TableClient.fromConnectionString(az.connectionString, name, { allowInsecureConnection: true, ...noRetry });
}

describe('embedded Azurite', function () {
  this.timeout(20_000);
  let az: EmbeddedAzurite | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await az?.stop();
    az = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('serves tables and queues in memory on OS-chosen ports', async () => {
    az = await startEmbeddedAzurite({ inMemory: true });
    assert.notEqual(az.tablePort, az.queuePort);
    assert.match(az.connectionString, new RegExp(`TableEndpoint=http://127\\.0\\.0\\.1:${az.tablePort}/devstoreaccount1;`));
    assert.match(az.connectionString, new RegExp(`QueueEndpoint=http://127\\.0\\.0\\.1:${az.queuePort}/devstoreaccount1;`));

    const table = tableClient(az, 'plans');
    await table.createTable();
    await table.upsertEntity({ partitionKey: 'plan-1', rowKey: 'item-1', title: 'Reduce caseloads', owner: 'HoS (RB)' });
    const read = await table.getEntity<{ title: string; owner: string }>('plan-1', 'item-1');
    assert.equal(read.title, 'Reduce caseloads');
    assert.equal(read.owner, 'HoS (RB)');

    const queue = QueueServiceClient.fromConnectionString(az.connectionString, { retryOptions: { maxTries: 1 } }).getQueueClient('reminders');
    await queue.create();
    await queue.sendMessage('nudge rosa');
    const received = await queue.receiveMessages({ numberOfMessages: 1 });
    assert.equal(received.receivedMessageItems.length, 1);
    assert.equal(received.receivedMessageItems[0]!.messageText, 'nudge rosa');
  });

  it('survives a graceful restart and recovers from being killed, keeping persisted data', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-spec-'));
    az = await startEmbeddedAzurite({ location: dir });
    const { tablePort, queuePort, connectionString } = az;
    const table = tableClient(az, 'items');
    await table.createTable();
    await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', status: 'On track' });

    // Azurite saves its table file every 5 s or on a graceful stop; a SIGKILL straight after a write
    // would lose it, so the write is made durable with a graceful restart first.
    await az.restart();
    assert.equal((await table.getEntity<{ status: string }>('p', 'r')).status, 'On track');

    az.kill();
    // RESET when the request went out on a pooled keep-alive socket the dead process had open.
    await assert.rejects(table.getEntity('p', 'r'), (err: { code?: string }) => {
      assert.match(String(err.code), /^ECONN(REFUSED|RESET)$/);
      return true;
    });

    await az.restart();
    assert.equal(az.tablePort, tablePort);
    assert.equal(az.queuePort, queuePort);
    assert.equal(az.connectionString, connectionString);
    assert.equal((await table.getEntity<{ status: string }>('p', 'r')).status, 'On track');
    assert.ok(fs.existsSync(path.join(dir, '__azurite_db_table__.json')));
  });

  it('is a no-op to stop twice, and stop after kill waits for the process to go', async () => {
    az = await startEmbeddedAzurite({});
    az.kill();
    await az.stop();
    await az.stop();
    await assert.rejects(tableClient(az, 'gone').createTable());
  });
});
