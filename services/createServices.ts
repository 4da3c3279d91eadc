import type { TableSet } from '../storage/tables';
import type { Clock } from '../domain/clock';
import { PlanRepository } from '../storage/planRepository';
import { DirectoryRepository } from '../storage/directoryRepository';
import { KpiRepository } from '../storage/kpiRepository';
import { ConversationRepository } from '../storage/conversationRepository';
import type { Services } from './context';

/**
 * The one place repositories are put together, for the bot, workers, tools and tests alike: the only
 * services/ module that imports storage/ classes (tests/layers.spec.ts holds that).
 */
export function createServices(tables: TableSet, opts: { clock: Clock; adminIds?: Iterable<string> }): Services {
  return {
    plans: new PlanRepository(tables),
    directory: new DirectoryRepository(tables),
    kpis: new KpiRepository(tables),
    conversations: new ConversationRepository(tables, opts.clock),
    clock: opts.clock,
    adminIds: new Set([...(opts.adminIds ?? [])].map((id) => id.toLowerCase())),
  };
}
