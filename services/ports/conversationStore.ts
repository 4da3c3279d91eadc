// Why this port: proactive messages need where a person or channel can be reached, and the bot records it; behind an interface neither depends on Table Storage (storage/conversationRepository.ts implements it).

/**
 * Where a conversation is, as the Bot Connector describes it: the fields of botbuilder's
 * ConversationReference this code stores and reads, as a plain structural type so nothing below
 * bot/ depends on botbuilder. Stored as JSON, so whatever else the reference carried is kept.
 */
export interface ConversationRef {
  activityId?: string;
  user?: { id: string; name?: string; aadObjectId?: string; role?: string };
  bot?: { id: string; name?: string; aadObjectId?: string; role?: string };
  conversation?: { id: string; name?: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelId?: string;
  locale?: string;
  serviceUrl?: string;
}

export type RefKind = 'user' | 'channel' | 'group';

/** Conversation references for proactive messages, by kind and id. */
export interface ConversationStore {
  /** Stores the reference; with `ifChanged`, may skip a write of what it already holds. Resolves whether it wrote. */
  save(kind: RefKind, id: string, ref: ConversationRef, opts?: { ifChanged?: boolean }): Promise<boolean>;
  get(kind: RefKind, id: string): Promise<ConversationRef | undefined>;
  remove(kind: RefKind, id: string): Promise<void>;
}
