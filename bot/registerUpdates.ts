import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { BotDeps } from './app';
import type { UpdateRequest } from '../domain/statusUpdate';
import { MAX_COMMENTARY, MAX_REASON } from '../domain/statusUpdate';
import { MAX_REF_LENGTH, REF_SOURCE } from '../domain/refs';
import { permissionsFor } from '../services/permissions';
import { itemLabel } from '../domain/planItem';
import { signOff, updateItem, type Target, type UpdateResult } from '../services/updateStatus';
import { registerVerbs } from './executeRoutes';
import { callerOf, turnFacts, type InvokeReply } from './turn';
import { updateFormCard } from './views/updateView';
import { decisionLine, decisionNote, signOffCard } from './views/signOffView';
import { STATUS_TEXT } from './views/format';
import { signOffsAnswer } from './answerQuestion';
import type { ItemState } from '../domain/planItem';
import { messageCard } from './views/helpView';
import { NOT_IN_DIRECTORY, conflictNotice, currentCard, notifyAfterSave, refusalNotice, savedCard } from './updateFlow';
import type { AdaptiveCardJson } from '../cards/render';

const ref = z.string().max(MAX_REF_LENGTH).regex(new RegExp(`^${REF_SOURCE}$`, 'i'), 'is not an action ref');
const targetSchema = z.object({
  planId: z.string().regex(/^[a-z0-9-]{1,60}$/, 'is not a plan id'),
  ref,
  seq: z.union([z.literal(''), z.coerce.number().int().min(1).max(999)]).optional(),
});
// `owner`: the owner role the card showed, a read hint only (services/updateStatus Target.ownerRoleHint).
const versioned = targetSchema.extend({ version: z.coerce.number().int().min(0), owner: z.string().max(300).optional() });
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional();
const formSchema = versioned.extend({
  status: z.enum(['complete', 'on_track', 'some_issues', 'not_on_track', 'not_started', 'bau']).optional(),
  rag: z.enum(['auto', 'green', 'amber', 'red']).optional(),
  commentary: text(MAX_COMMENTARY),
  evidenceUrl: text(2000),
  revisedDue: z.string().max(10).optional(),
  revisedDueReason: text(MAX_REASON),
});
// `view` / `list`: which card was pressed (the action card, the "sign-offs" list), so the reply keeps its shape.
const signOffSchema = versioned.extend({ note: text(MAX_COMMENTARY), view: z.literal('action').optional(), list: z.literal('1').optional() });

function toTarget(d: z.infer<typeof targetSchema> & { owner?: string }): Target {
  return { planId: d.planId, ref: d.ref, seq: d.seq === '' || d.seq === undefined ? undefined : d.seq, ...(d.owner !== undefined ? { ownerRoleHint: d.owner } : {}) };
}

function badData(error: z.ZodError): InvokeReply {
  const fields = error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ');
  return { kind: 'error', status: 400, message: `That card sent data I could not accept (${fields}). Nothing was saved.` };
}

const card = (c: AdaptiveCardJson): InvokeReply => ({ kind: 'card', card: c });

/** What the update and sign-off cards use of the app. */
export type UpdateDeps = Pick<BotDeps, 'services' | 'timeZone' | 'logger' | 'notifier' | 'signOffEscalateWorkingDays'>;

/**
 * The update card and sign-off. Identity is the activity's; the card's data names only the item and
 * the version the person was looking at, so a stale or forged card can never overwrite newer work.
 */
export function registerUpdates(app: Application<TurnState>, deps: UpdateDeps): void {
  const s = deps.services;

  /** Editors see the form on refresh; everyone else keeps the read-only card (Teams refresh.userIds). */
  const editorIds = async (context: TurnContext, item: ItemState): Promise<string[]> => {
    const ids = new Set<string>([turnFacts(context).fromId]);
    const editors = await permissionsFor(s, callerOf(context)).editorsOf(item);
    const refs = await Promise.all(editors.map((p) => (p.aadObjectId ? s.conversations.get('user', p.aadObjectId) : undefined)));
    for (const r of refs) if (r?.user?.id) ids.add(r.user.id);
    return [...ids];
  };

  /** The form for the item as stored now (`current`: just read by the caller, so not read again). */
  const formFor = async (context: TurnContext, t: Target, extra: { notice?: string; values?: Partial<Record<keyof UpdateRequest, string>>; errors?: Record<string, string> } = {}, current?: ItemState) => {
    const item = current ?? (await s.plans.getItemForUpdate(t.planId, t.ref, t.seq))?.item;
    if (!item) return messageCard('Not found', [`${t.ref} is no longer in this plan.`]);
    return updateFormCard({ item, editorIds: await editorIds(context, item), ...extra });
  };

  /** May this caller edit? Decided from the directory, as every write decides it again. */
  const permission = async (context: TurnContext, t: Target) => {
    const loaded = await s.plans.getItemForUpdate(t.planId, t.ref, t.seq);
    if (!loaded) return { kind: 'notFound' as const };
    return { kind: 'ok' as const, item: loaded.item, permission: await permissionsFor(s, callerOf(context)).mayUpdate(loaded.item) };
  };

  /** After a save the shared message shows the new read-only state to everyone. */
  const refreshShared = async (context: TurnContext, readOnly: AdaptiveCardJson) => {
    const replyToId = context.activity.replyToId;
    if (!replyToId) return;
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(readOnly));
    activity.id = replyToId;
    try {
      await context.updateActivity(activity);
    } catch (err) {
      deps.logger.warn({ err }, 'could not refresh the shared card after an update');
    }
  };

  const replyFor = async (context: TurnContext, t: Target, r: UpdateResult, values: Partial<Record<keyof UpdateRequest, string>>): Promise<InvokeReply> => {
    switch (r.kind) {
      case 'saved': {
        // One read-only card serves both the shared message and the person who pressed Save.
        const readOnly = await savedCard(deps, t, r);
        await refreshShared(context, readOnly);
        await notifyAfterSave(deps, r);
        return card(readOnly);
      }
      case 'duplicate':
        return card(await currentCard(deps, t));
      case 'conflict':
        // The form shown again keeps what the person typed, so a conflict never loses their words.
        return card(await formFor(context, t, { values, notice: conflictNotice(r.latest, deps.timeZone) }));
      case 'refused':
        return card(await currentCard(deps, t, refusalNotice(r.item, r.whoCan)));
      case 'invalid':
        return card(await formFor(context, t, { values, errors: r.errors as Record<string, string>, notice: 'Please fix the highlighted fields. Nothing has been saved yet.' }));
      case 'notFound':
        return { kind: 'error', status: 404, message: `${t.ref} is not in this plan.` };
      case 'notInDirectory':
        return card(await currentCard(deps, t, NOT_IN_DIRECTORY));
    }
  };

  registerVerbs(app, {
    openUpdate: async (context, data) => {
      const d = targetSchema.safeParse(data);
      if (!d.success) return badData(d.error);
      const t = toTarget(d.data);
      const p = await permission(context, t);
      if (p.kind === 'notFound') return { kind: 'error', status: 404, message: `${t.ref} is not in this plan.` };
      if (!p.permission.allowed) return card(await currentCard(deps, t, refusalNotice(p.item, p.permission.whoCan)));
      return card(await formFor(context, t, {}, p.item));
    },

    refreshItem: async (context, data) => {
      const d = targetSchema.safeParse(data);
      if (!d.success) return badData(d.error);
      const t = toTarget(d.data);
      const p = await permission(context, t);
      if (p.kind === 'notFound') return { kind: 'error', status: 404, message: `${t.ref} is not in this plan.` };
      return card(p.permission.allowed ? await formFor(context, t, {}, p.item) : await currentCard(deps, t));
    },

    cancelUpdate: async (context, data) => {
      const d = targetSchema.safeParse(data);
      if (!d.success) return badData(d.error);
      return card(await currentCard(deps, toTarget(d.data)));
    },

    submitUpdate: async (context, data) => {
      const d = formSchema.safeParse(data);
      if (!d.success) return badData(d.error);
      const f = d.data;
      const t = toTarget(f);
      const caller = callerOf(context);
      const req: UpdateRequest = {
        status: f.status,
        rag: f.rag && f.rag !== 'auto' ? f.rag : undefined,
        commentary: f.commentary,
        evidenceUrl: f.evidenceUrl,
        revisedDue: f.revisedDue || undefined,
        revisedDueReason: f.revisedDueReason,
      };
      // The same card version submitted twice by the same person with the same values is one request
      // (a retried delivery). Different values from the same version (a second device) are a new request,
      // which then meets the version check and is told it was not saved.
      const values = { status: f.status, rag: f.rag, commentary: f.commentary, evidenceUrl: f.evidenceUrl, revisedDue: f.revisedDue, revisedDueReason: f.revisedDueReason };
      const fingerprint = createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 16);
      const requestId = `card:${t.planId}:${t.ref}:${t.seq ?? ''}:${f.version}:${caller.aadObjectId ?? caller.email}:${fingerprint}`;
      const r = await updateItem(s, caller, t, req, { requestId, expectedVersion: f.version, source: 'card' });
      return replyFor(context, t, r, values);
    },

    /** From the "sign-offs" list: the item's sign-off card, where the return note is written. */
    openSignoff: async (_context, data) => {
      const d = targetSchema.safeParse(data);
      if (!d.success) return badData(d.error);
      const t = toTarget(d.data);
      const loaded = await s.plans.getItemForUpdate(t.planId, t.ref, t.seq);
      if (!loaded) return { kind: 'error', status: 404, message: `${t.ref} is not in this plan.` };
      return card(signOffCard(loaded.item, { timeZone: deps.timeZone, ownerName: await ownerName(loaded.item) }));
    },

    approveSignoff: async (context, data) => signOffVerb(context, data, 'approve'),
    returnSignoff: async (context, data) => signOffVerb(context, data, 'return'),
  });

  /** The owner's name for a sign-off card (never blank parentheses when nobody holds the role). */
  const ownerName = async (i: ItemState) => (i.ownerRole ? (await s.directory.findByRole(i.ownerRole))?.name : undefined);

  async function signOffVerb(context: TurnContext, data: Record<string, unknown>, decision: 'approve' | 'return'): Promise<InvokeReply> {
    const d = signOffSchema.safeParse(data);
    if (!d.success) return badData(d.error);
    const t = toTarget(d.data);
    const caller = callerOf(context);
    // As for updates: the decision and note are part of the request, so "approve" then "return" from
    // the same card is two requests (the second is told it was too late), not one retried.
    const fingerprint = createHash('sha256').update(JSON.stringify([decision, d.data.note ?? ''])).digest('base64url').slice(0, 16);
    const requestId = `signoff:${t.planId}:${t.ref}:${t.seq ?? ''}:${d.data.version}:${caller.aadObjectId ?? caller.email}:${fingerprint}`;
    const r = await signOff(s, caller, t, decision, d.data.note, { requestId, expectedVersion: d.data.version, source: 'signoff' });
    // The reply takes the shape of the card pressed: the action card, the "sign-offs" list, or the sign-off card.
    // `stillOpen`: nothing was decided and it still waits (a newer version): the card stays open at that version.
    const reply = async (item: ItemState, outcome: string, owner?: string, stillOpen = false, saved?: Extract<UpdateResult, { kind: 'saved' }>): Promise<InvokeReply> => {
      if (d.data.view === 'action') return card(saved ? await savedCard(deps, t, saved, outcome, true) : await currentCard(deps, t, outcome, caller));
      if (d.data.list) return card(await signOffsAnswer(s, caller, {}, { mine: true, timeZone: deps.timeZone, escalateAfter: deps.signOffEscalateWorkingDays, notice: outcome }));
      const o = { timeZone: deps.timeZone, ownerName: owner ?? (await ownerName(item)) };
      return card(signOffCard(item, stillOpen ? { ...o, notice: outcome } : { ...o, outcome }));
    };
    switch (r.kind) {
      case 'saved': {
        const owner = r.authority.owner;
        const verdict = decision === 'approve' ? `Approved by ${caller.name}: ${itemLabel(r.item)} is complete.` : `Returned to the owner by ${caller.name}.`;
        const note = decisionNote(r.item.signOff?.decision);
        if (owner?.aadObjectId) {
          const lines = note ? [verdict, note] : [verdict];
          await deps.notifier
            .send('user', owner.aadObjectId, messageCard(`${itemLabel(r.item)} ${decision === 'approve' ? 'signed off' : 'returned'}`, lines, decision === 'approve' ? 'good' : 'attention'), verdict)
            .catch((err) => deps.logger.error({ err }, 'could not tell the owner about sign-off'));
        }
        await notifyAfterSave(deps, r);
        return reply(r.item, verdict, owner?.name, false, r);
      }
      case 'duplicate':
        return reply(r.item, `Already recorded. ${decisionLine(r.item, deps.timeZone) ?? ''}`.trim());
      case 'conflict': {
        // Someone decided first (or this person, from another card): say so, and by whom, not "updated after you opened it".
        const decided = decisionLine(r.latest, deps.timeZone);
        if (decided) return reply(r.latest, `${itemLabel(r.latest)} was already decided: ${decided}. Nothing was changed.`);
        if (r.latest.status !== 'awaiting_signoff') return reply(r.latest, `${itemLabel(r.latest)} is no longer awaiting sign-off (it is ${STATUS_TEXT[r.latest.status]}). Nothing was changed.`);
        return reply(r.latest, conflictNotice(r.latest, deps.timeZone), undefined, true);
      }
      case 'refused':
        return card(await currentCard(deps, t, `You can't sign off ${itemLabel(r.item)}. Sign-off is for ${r.whoCan.join(', ')}.`, caller));
      case 'invalid':
        return { kind: 'error', status: 400, message: Object.values(r.errors).join(' ') };
      case 'notFound':
        return { kind: 'error', status: 404, message: `${t.ref} is not in this plan.` };
      case 'notInDirectory':
        return card(await currentCard(deps, t, NOT_IN_DIRECTORY));
    }
  }
}
