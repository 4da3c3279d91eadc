/**
 * `node --expose-gc --import tsx bench/importTracker.ts` (SIZE=2000 by default): the import as it
 * now writes (each item with its index and history rows, conditional on the ETag read, packed up to
 * 100 operations per transaction) against the raw batch floor, then the same plan as a tracker file
 * made by `npm run export`, imported and re-imported (the round trip must report 0 changes), with
 * the process's peak memory sampled every 20 ms during the imports. Azurite runs in the same process,
 * so RSS includes the emulator holding the plan; the heap peak is the better figure for the import.
 * Standalone so bench/run.ts (owned by the perf work) is untouched.
 */
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { startEmbeddedAzurite } from '../storage/embeddedAzurite';
import { openTables, ensureTables } from '../storage/tables';
import { createServices } from '../services/createServices';
import { generateDataset } from '../bench/generatePlan';
import { importPlan, itemsOfPlan, planIdFor } from '../services/importPlan';
import { importPlanFile } from '../services/importFiles';
import { exportPlanFile } from '../services/exportPlan';
import { itemToEntity, indexRowsFor } from '../storage/itemEntity';
import { planKeys } from '../storage/planKeys';

const TODAY = '2026-11-22';
const clock = { today: () => TODAY, now: () => new Date(`${TODAY}T10:00:00Z`) };
(async () => {
  const size = Number(process.env.SIZE ?? 2000);
  const data = generateDataset({ actions: size, today: TODAY, seed: 7 + size });
  // A file of the plan, made by the export so the import reads a real tracker layout.
  const seedAz = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const seedTables = openTables(seedAz.connectionString);
  await ensureTables(seedTables);
  const seed = createServices(seedTables, { clock });
  await importPlan(seed.plans, { planId: planIdFor('Seed'), planName: 'Seed', parsed: data.plan, dryRun: false, now: clock.now() });
  const file = `/tmp/bench-plan-${size}.csv`;
  await exportPlanFile(seed, { plan: 'Seed', out: file });
  await seedAz.stop();

  const az = await startEmbeddedAzurite({ inMemory: true, silent: true });
  const tables = openTables(az.connectionString);
  await ensureTables(tables);
  const s = createServices(tables, { clock });
  const now = clock.now().toISOString();
  const planId = planIdFor('Bench');
  const ops: TransactionAction[] = data.plan.priorities.map((p) => ['upsert', { partitionKey: planId, rowKey: planKeys.priority(p.ref), ref: p.ref, title: p.title }, 'Replace']);
  for (const item of itemsOfPlan(planId, data.plan)) {
    ops.push(['upsert', itemToEntity({ ...item, updatedAt: now, updatedBy: 'import', updatedByName: 'Plan import' }), 'Replace']);
    for (const r of indexRowsFor(item)) ops.push(['upsert', r, 'Replace']);
  }
  const raw = async (name: string) => {
    const c = TableClient.fromConnectionString(az.connectionString, name, { allowInsecureConnection: true });
    await c.createTable();
    const t0 = performance.now();
    for (let i = 0; i < ops.length; i += 100) await c.submitTransaction(ops.slice(i, i + 100));
    const ms = performance.now() - t0;
    await c.deleteTable();
    return ms;
  };
  await raw('Warm');
  const rawA = await raw('RawA');
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  const svc = await importPlan(s.plans, { planId, planName: 'Bench', parsed: data.plan, dryRun: false, now: clock.now() });
  const importMs = performance.now() - t0;
  const t1 = performance.now();
  const fileReport = await importPlanFile(s, { file, planName: 'Bench file', dryRun: false });
  const fileMs = performance.now() - t1;
  clearInterval(timer);
  const rawB = await raw('RawB');
  const t2 = performance.now();
  const again = await importPlanFile(s, { file, planName: 'Bench file', dryRun: false });
  const againMs = performance.now() - t2;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  console.log(JSON.stringify({
    size, entities: ops.length, items: svc.created, importMs: Math.round(importMs), transactions: svc.transactions,
    rawMs: [Math.round(rawA), Math.round(rawB)], ratio: (importMs / ((rawA + rawB) / 2)).toFixed(2),
    fileImportMs: Math.round(fileMs), fileCreated: fileReport.plan?.created, fileBytes: (await import('node:fs')).statSync(file).size,
    reimportMs: Math.round(againMs), reimportUnchanged: again.plan?.unchanged, reimportUpdated: again.plan?.updated,
    rssBefore: mb(rssBefore), peakRss: mb(peakRss), peakHeap: mb(peakHeap), maxRSS: mb(process.resourceUsage().maxRSS * 1024),
  }));
  await az.stop();
})();
