import { z } from 'zod';

/**
 * Every environment variable the bot reads, in one place. Parsing collects every problem at once so
 * an operator fixing a deployment sees the whole list, not one error per restart.
 */
const csvList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    MicrosoftAppId: z
      .string()
      .optional()
      .refine((v) => !v || guid.test(v), 'must be a GUID (the Azure Bot app registration id)'),
    MicrosoftAppPassword: z.string().optional(),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z
      .string()
      .optional()
      .refine((v) => !v || guid.test(v), 'must be a GUID (the Entra tenant id)'),
    /**
     * Where inbound Bot Connector tokens are checked: the OpenID metadata document that lists the
     * signing keys, and the issuer the tokens must carry. Empty means the public cloud's
     * (login.botframework.com, https://api.botframework.com). For private clouds and for tests that
     * sign their own tokens; never needed for ordinary Teams.
     */
    ToBotFromChannelOpenIdMetadataUrl: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s/]+/i.test(v), 'must be an http(s) URL of an OpenID metadata document'),
    ToBotFromChannelTokenIssuer: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s/]+/i.test(v), 'must be the token issuer URL, e.g. https://api.botframework.com'),
    /** Absent means "start an embedded Azurite" (dev and tests only: required once MicrosoftAppId is set); present means a real account. */
    STORAGE_CONNECTION_STRING: z.string().optional(),
    AZURITE_LOCATION: z.string().default('.data/azurite'),
    TIME_ZONE: z
      .string()
      .default('Europe/London')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/London'),
    ALLOWED_TENANT_IDS: csvList.refine((ids) => ids.every((id) => guid.test(id)), 'must be a comma-separated list of GUIDs'),
    ADMIN_USER_IDS: csvList.refine((ids) => ids.every((id) => guid.test(id)), 'must be a comma-separated list of Entra object ids (GUIDs)'),
    STALE_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    DIGEST_CRON: z.string().default('0 8 * * 1'),
    WORKING_HOURS_START: hhmm.default('08:00'),
    WORKING_HOURS_END: hhmm.default('18:00'),
    /** Off for tests and one-off tools; on for every serving instance (only one plans each period). */
    SCHEDULER_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /**
     * Proactive sends per second for the whole app, all instances together: the budget is shared
     * through the store (storage/sendBudget.ts), so nobody divides by N. Teams allows 50/s per app per
     * tenant and counts arrivals; the default leaves almost a third of that for replies to people and for
     * network and CPU jitter, which bunch requests that left evenly.
     */
    SEND_RATE_PER_SECOND: z.coerce.number().min(1).max(50).default(35),
    /** How long a received outbox message stays hidden from other workers, and how long a claim is honoured. */
    OUTBOX_VISIBILITY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(7200).default(120),
    /**
     * Board packs. The signed-link secret turns on links to the HTML pack for channels and people
     * outside the team: anyone holding a link can read that one pack until it expires (see
     * docs/ADMIN.md). Unset, no links are made. At least 32 characters so it cannot be guessed.
     */
    BOARD_PACK_LINK_SECRET: z.string().min(32, 'must be at least 32 characters (use a random value)').optional(),
    /** How long a board-pack link works, in hours. */
    BOARD_PACK_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
    /** The bot's public https address, for board-pack links (https://bot.example.org). */
    BOARD_PACK_BASE_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^https?:\/\/[^\s/]+/i.test(v), 'must be the http(s) address the bot is reached at'),
    /** The pack for a board meeting is produced and sent this many working days before it. */
    BOARD_PACK_DAYS_BEFORE: z.coerce.number().int().min(0).max(20).default(5),
    /**
     * KPI reminders: a period's value is due this many working days after the period ends (November's
     * on the fifth working day of December), and the one nudge goes this many days after that.
     */
    KPI_REMINDER_WORKING_DAYS: z.coerce.number().int().min(1).max(20).default(5),
    KPI_NUDGE_DAYS: z.coerce.number().int().min(1).max(30).default(5),
    /** A sign-off waiting more than this many working days is escalated once to the manager's manager; 0 turns it off. */
    SIGNOFF_ESCALATE_WORKING_DAYS: z.coerce.number().int().min(0).max(60).default(5),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(256 * 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * Dev/test only (refused with MicrosoftAppId): pretend today is this date (yyyy-mm-dd), so demos
     * are repeatable. The time of day stays real (domain/clock.ts systemClock); the scheduler and the
     * delivery worker read the same clock.
     */
    FAKE_TODAY: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-mm-dd')
      .optional(),
  });

/**
 * Rules that tie variables together. Checked on the raw environment, so they are reported even when
 * another variable is also wrong: zod skips refinements once any field has failed.
 */
export function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const type = env.MicrosoftAppType ?? 'MultiTenant';
  if (env.MicrosoftAppId && !env.MicrosoftAppPassword && type !== 'UserAssignedMSI') problems.push('MicrosoftAppPassword is required when MicrosoftAppId is set');
  if (type === 'SingleTenant' && !env.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant');
  // An app id means a real Teams deployment. Without a connection string the bot would quietly start
  // Azurite on the server's disk: plans would live on one instance and vanish with it.
  if (env.MicrosoftAppId && !env.STORAGE_CONNECTION_STRING)
    problems.push('STORAGE_CONNECTION_STRING is required when MicrosoftAppId is set (the embedded Azurite store is for local development only)');
  if (env.MicrosoftAppId && env.FAKE_TODAY) problems.push('FAKE_TODAY must not be set when MicrosoftAppId is set (it is for local demos and tests only)');
  return problems;
}

export type AppConfig = z.infer<typeof configSchema>;
