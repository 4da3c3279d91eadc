/**
 * The per-plan row "prio!members" (PlanItems, PK = planId): for each priority ref, the refs of the
 * actions that name it as their priority, as at one revision of the plan. An action's priority
 * changes only by import, and every import ends with savePlan, which rewrites this row from the item
 * rows and stamps it with the plan's new revision; a row of another revision is not used ("priority
 * N" then reads the plan whole). '!' sorts before '|', so the row sits just before the prio| rows.
 */
export const MEMBERS_ROW = 'prio!members';

/** A string property holds at most 32K characters; longer JSON continues in membersJson1, membersJson2… */
const CHUNK = 30_000;

export type MembersEntity = {
  partitionKey: string;
  rowKey: string;
  revision: string;
  membersJson: string;
  [more: `membersJson${number}`]: string;
};

export function membersEntity(planId: string, members: Record<string, string[]>, revision: string): MembersEntity {
  const json = JSON.stringify(members);
  const e: MembersEntity = { partitionKey: planId, rowKey: MEMBERS_ROW, revision, membersJson: json.slice(0, CHUNK) };
  for (let i = 1; i * CHUNK < json.length; i++) e[`membersJson${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return e;
}

/** The members as stored, when the row is of `revision`; undefined otherwise (or unreadable). */
export function membersOf(e: Partial<MembersEntity> | undefined, revision: string | undefined): Record<string, string[]> | undefined {
  if (!e || typeof e.membersJson !== 'string' || !revision || e.revision !== revision) return undefined;
  let json = e.membersJson;
  for (let i = 1; typeof e[`membersJson${i}`] === 'string'; i++) json += e[`membersJson${i}`];
  try {
    return JSON.parse(json) as Record<string, string[]>;
  } catch {
    return undefined;
  }
}
