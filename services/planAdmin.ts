import type { Services } from './context';
import type { PlanInfo } from '../domain/model';
import { planIdFor } from './importPlan';

/**
 * Archiving a plan: an admin's way to take a finished or mistaken plan out of questions, digests
 * and reminders without losing it. Nothing is deleted; items and history stay in storage, export
 * still works, and restoring brings it back as it was.
 */

export type ArchiveResult =
  | { ok: true; plan: PlanInfo; already: boolean }
  | { ok: false; reason: 'not_found'; known: string[] }
  | { ok: false; reason: 'ambiguous'; matches: string[] };

/** A plan by its name or id, case and spacing ignored; several partial matches are returned as choices. */
export async function findPlan(s: Services, name: string): Promise<{ plan?: PlanInfo; exact?: boolean; matches: PlanInfo[]; all: PlanInfo[] }> {
  const all = await s.plans.listAllPlans();
  const wanted = name.trim().toLowerCase();
  let id: string | undefined;
  try {
    id = planIdFor(name);
  } catch {
    id = undefined;
  }
  const exact = all.find((p) => p.name.toLowerCase() === wanted || p.id === id);
  if (exact) return { plan: exact, exact: true, matches: [exact], all };
  const matches = all.filter((p) => p.name.toLowerCase().includes(wanted) || (id !== undefined && p.id.includes(id)));
  return matches.length === 1 ? { plan: matches[0], matches, all } : { matches, all };
}

export async function setPlanArchived(s: Services, name: string, archive: boolean): Promise<ArchiveResult> {
  const found = await findPlan(s, name);
  // Archiving needs the plan's full name or id: a partial match is offered back, never acted on.
  if (!found.plan || !found.exact) {
    return found.matches.length > 0
      ? { ok: false, reason: 'ambiguous', matches: found.matches.map((p) => p.name) }
      : { ok: false, reason: 'not_found', known: found.all.map((p) => p.name) };
  }
  const already = archive === Boolean(found.plan.archivedAt);
  const at = archive ? s.clock.now().toISOString() : undefined;
  if (!already) await s.plans.setArchived(found.plan.id, at);
  const plan = { ...found.plan };
  if (archive) plan.archivedAt = already ? found.plan.archivedAt : at;
  else delete plan.archivedAt;
  return { ok: true, plan, already };
}

/** The sentence an admin reads after asking to archive or restore. */
export function describeArchive(result: ArchiveResult, archive: boolean, name: string): string {
  if (!result.ok && result.reason === 'ambiguous') {
    return result.matches.length === 1
      ? `No plan is called exactly "${name}". Did you mean ${result.matches[0]}? Say "${archive ? 'archive' : 'restore'} plan ${result.matches[0]}".`
      : `"${name}" matches several plans: ${result.matches.join(', ')}. Say which one, in full.`;
  }
  if (!result.ok) return `No plan is called "${name}". Plans: ${result.known.join(', ') || 'none yet'}.`;
  if (archive) {
    return result.already
      ? `${result.plan.name} was already archived.`
      : `${result.plan.name} is archived: it no longer appears in questions, digests or reminders. Its actions and history are kept; restore it with "restore plan ${result.plan.name}".`;
  }
  return result.already ? `${result.plan.name} is not archived.` : `${result.plan.name} is restored and appears in questions and digests again.`;
}
