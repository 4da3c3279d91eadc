import type { Clock } from '../domain/clock';
import type { PlanStore } from './ports/planStore';
import type { DirectoryStore } from './ports/directoryStore';
import type { KpiStore } from './ports/kpiStore';
import type { ConversationStore } from './ports/conversationStore';

/**
 * What the use cases need from the outside world: ports (services/ports/), not storage classes, so
 * a test or another store can stand in. Built once by createServices and handed down.
 */
export interface Services {
  plans: PlanStore;
  directory: DirectoryStore;
  kpis: KpiStore;
  conversations: ConversationStore;
  clock: Clock;
  adminIds: ReadonlySet<string>;
}

/** Who is asking, from the Teams activity; never from card data. */
export interface Caller {
  aadObjectId?: string;
  email?: string;
  name: string;
}
