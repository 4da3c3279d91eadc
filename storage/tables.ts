import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { requestCountingPolicy } from './requestCounter';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

/**
 * The tables the bot owns. Names are private to storage/: everything else goes through repositories.
 *
 * - Plans:     one row per plan (PK "plans", RK planId). Tiny, read on every question.
 * - PlanItems: everything about one plan in ONE partition (PK = planId), so an update, its
 *              history row and its index rows commit in a single entity-group transaction.
 *              See planKeys.ts for the row-key layout.
 * - Kpis:      definitions (PK "def") and one partition per KPI series (PK "series|<code>").
 * - Directory: role → person (PK "role"), and reverse indexes by Entra id and by email.
 * - Conversations: conversation references for proactive messages.
 * - Ledger:    one row per proactive message and recipient: the exactly-once record (ledger.ts).
 * - Schedule:  one row per scheduler period, claimed by one instance (scheduleClaims.ts).
 * - SendBudget: the tenant-wide proactive send budget, one row per second slot (sendBudget.ts).
 * - ConversationSends: recent proactive sends per conversation, for Teams' per-conversation windows (conversationSends.ts).
 * - BoardPacks: immutable plan snapshots for board packs, and each plan's next meeting (snapshotRepository.ts).
 */
export const TABLES = {
  plans: 'Plans',
  planItems: 'PlanItems',
  kpis: 'Kpis',
  directory: 'Directory',
  conversations: 'Conversations',
  ledger: 'Ledger',
  schedule: 'Schedule',
  sendBudget: 'SendBudget',
  conversationSends: 'ConversationSends',
  boardPacks: 'BoardPacks',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

export interface TableSet {
  client(name: TableName): TableClient;
  service: TableServiceClient;
}

/**
 * Azurite speaks plain http; the SDK refuses that unless told, and only dev/test use it.
 * Each try is bounded: Teams gives a bot 15 s to answer, and the SDK's default has no per-try
 * timeout, so a store that hangs (rather than refusing) would otherwise hold the turn past it.
 */
function clientOptions(connectionString: string) {
  return {
    allowInsecureConnection: /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(connectionString),
    retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
    // Counting sits on the pipeline, so every request through these clients is counted once per try.
    additionalPolicies: [
      { policy: tryTimeout, position: 'perRetry' as const },
      { policy: requestCountingPolicy, position: 'perRetry' as const },
    ],
  };
}

const TRY_TIMEOUT_MS = 4000;

/** Gives every try a deadline (the SDK's default is none), so three tries end well inside 15 s. */
const tryTimeout: PipelinePolicy = {
  name: 'tryTimeout',
  sendRequest: (request, next) => {
    if (!request.timeout) request.timeout = TRY_TIMEOUT_MS;
    return next(request);
  },
};

export function openTables(connectionString: string): TableSet {
  const opts = clientOptions(connectionString);
  const service = TableServiceClient.fromConnectionString(connectionString, opts);
  const clients = new Map<TableName, TableClient>();
  return {
    service,
    client(name) {
      let c = clients.get(name);
      if (!c) {
        c = TableClient.fromConnectionString(connectionString, name, opts);
        clients.set(name, c);
      }
      return c;
    },
  };
}

export async function ensureTables(tables: TableSet): Promise<void> {
  for (const name of Object.values(TABLES)) {
    await tables.client(name).createTable();
  }
}

/** A cheap round trip that fails fast when storage is down; /readyz uses it. */
export async function pingStorage(tables: TableSet, timeoutMs = 2000): Promise<boolean> {
  const abort = AbortSignal.timeout(timeoutMs);
  try {
    const pages = tables.service.listTables({ abortSignal: abort }).byPage({ maxPageSize: 1 });
    await pages.next();
    return true;
  } catch {
    return false;
  }
}
