import { encodeKey } from './keys';

/**
 * Row keys inside a plan's partition (PlanItems table, PK = planId).
 *
 * Every question the bot answers is one range scan over a key prefix in one partition:
 *
 *   item|<ref>|            the action           "action 2.4" reads item|2.4| .. item|2.4|~ :
 *   item|<ref>|m<NN>       its milestones        the action and all its milestones in one query;
 *                                                each row keeps its own last five hist| rows, so
 *                                                the card's latest changes come with it (historyRows.ts)
 *   due|<date>|<ref>|<m>   open, dated items     "overdue" = due| .. due|<today>, oldest first;
 *                                                "due soon" = due|<today> .. due|<today+N>
 *   owner|<role>|<ref>|<m> items by owner role   every item, complete or not (digests, sign-offs)
 *   owned|<role>|<sort>|<ref>|<m>                "my actions": the role's items not yet complete,
 *                          by due date (<sort> is the date, or 9999 for undated work), so a page is
 *                          the first rows of owned|<role>| .. owned|<role>|~ ; the range opens with
 *   owned|<role>|!         the role's count row: how many such items, by RAG
 *   rag|<rag>|<order>|<ref>|  "what's red": open actions of one RAG in ref order (<order> is
 *   rag|<rag>|!            refOrderKey), led by the RAG's count row
 *   lead|<role>|<order>|<ref>|  "unowned": open actions by owner role, led by each role's count row
 *   moved|all|<sort>|<ref>|<m>     "slipping": open items whose due date moved back, by due date
 *   awaiting|all|<sort>|<ref>|<m>  "sign-offs": items awaiting sign-off by due date, led by a count row
 *   tally|<group>|!        count rows only: every item by kind, status and due kind, by RAG ("summary")
 *                          (owned|, rag|, lead|, moved|, awaiting| and tally| are the paged indexes: pagedIndexes.ts)
 *   hist|<ref>|<inv-ts>|…  append-only history   newest first, so "last five" is a $top=5 read
 *   prio|<ref>             priorities / themes
 *   prio!members           each priority's actions, as at one plan revision (priorityMembers.ts)
 *   due!summary            open items per due date and RAG (dueSummary.ts): sorts just before due|,
 *                          so "N overdue" and the oldest overdue page are one range read
 *
 * Index rows (due|, owner|, owned|, rag|, lead|, moved|, awaiting|) carry a summary of the item, so lists need no second read. They live in
 * the same partition as the item so an update, its history row and its index rows commit in one
 * entity-group transaction: the indexes can never disagree with the item, even after a crash.
 * The trailing "|" on the action key stops "2.4" from range-matching "2.4.1"'s rows.
 * '~' sorts after every character we put in keys, so it closes a prefix range.
 */
export const END = '~';

/** A milestone's part of a key ('' for the action itself). */
export function seqPart(seq?: number): string {
  return seq === undefined ? '' : `m${String(seq).padStart(2, '0')}`;
}

export const planKeys = {
  item: (ref: string, seq?: number) => `item|${encodeKey(ref)}|${seqPart(seq)}`,
  actionPrefix: (ref: string) => `item|${encodeKey(ref)}|`,
  allItemsPrefix: 'item|',
  due: (date: string, ref: string, seq?: number) => `due|${date}|${encodeKey(ref)}|${seqPart(seq)}`,
  duePrefix: 'due|',
  dueAt: (date: string) => `due|${date}`,
  owner: (roleKey: string, ref: string, seq?: number) => `owner|${encodeKey(roleKey)}|${encodeKey(ref)}|${seqPart(seq)}`,
  ownerPrefix: (roleKey: string) => `owner|${encodeKey(roleKey)}|`,
  ownerAll: 'owner|',
  history: (ref: string, at: Date, seq?: number, version?: number) =>
    // Inverted milliseconds, then inverted version, make the newest entry sort first even within one
    // millisecond; the item's seq makes the key unique across an action and its milestones.
    `hist|${encodeKey(ref)}|${String(9_999_999_999_999 - at.getTime()).padStart(13, '0')}|${String(999_999 - (version ?? 0)).padStart(6, '0')}|${seqPart(seq)}`,
  historyPrefix: (ref: string) => `hist|${encodeKey(ref)}|`,
  priority: (ref: string) => `prio|${encodeKey(ref)}`,
  priorityPrefix: 'prio|',
};

/** OData filter for "row key starts with prefix" inside one partition. */
export function prefixRange(prefix: string, upTo?: string): string {
  const hi = upTo ?? prefix + END;
  return `RowKey ge '${prefix.replace(/'/g, "''")}' and RowKey lt '${hi.replace(/'/g, "''")}'`;
}
