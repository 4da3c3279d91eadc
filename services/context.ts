import type { Clock } from '../domain/clock';
import type { PlanRepository } from '../storage/planRepository';
import type { DirectoryRepository } from '../storage/directoryRepository';
import type { KpiRepository } from '../storage/kpiRepository';
import type { ConversationRepository } from '../storage/conversationRepository';

/** What the use cases need from the outside world. Built once in main and handed down. */
export interface Services {
  plans: PlanRepository;
  directory: DirectoryRepository;
  kpis: KpiRepository;
  conversations: ConversationRepository;
  clock: Clock;
  adminIds: ReadonlySet<string>;
}

/** Who is asking, from the Teams activity; never from card data. */
export interface Caller {
  aadObjectId?: string;
  email?: string;
  name: string;
}
