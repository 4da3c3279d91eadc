import type { KpiCorrection, KpiDefinition, KpiPoint, KpiValue, Rag } from '../../domain/model';

// Why this port: KPI questions, recording and reminders go through it, so a test or another store can stand in (storage/kpiRepository.ts implements it).

/** A period's stored value with the token a conditional write needs. The token is opaque outside the store. */
export interface LoadedPoint {
  point?: KpiPoint;
  token?: string;
}

export interface KpiMove {
  code: string;
  name: string;
  period: string;
  from: Rag;
  to: Rag;
  at: string;
  byName: string;
  /** The period's version the move came with: two moves in one instant stay two rows. */
  version: number;
}

export type SavePointResult = { ok: true } | { ok: false; reason: 'conflict' };

/** KPI definitions, their series, corrections and RAG moves. */
export interface KpiStore {
  upsertDefinitions(defs: KpiDefinition[]): Promise<void>;
  /** enteredAt comes from the caller's Clock, never the wall clock. */
  upsertValues(values: KpiValue[], enteredBy: string, enteredAt: string): Promise<void>;
  /** Copy the series' last two values onto the definition. Idempotent. */
  refreshLatest(code: string): Promise<void>;
  /** Set the role that records a KPI; conditional on the definition not having changed since it was read. */
  setOwner(code: string, ownerRole: string): Promise<'ok' | 'notFound' | 'conflict'>;
  /** One period's value as stored now, with the token for a conditional write. */
  getPoint(code: string, period: string): Promise<LoadedPoint>;
  /** Write a period's value on condition that it is still the value read, with the replaced value kept as a correction. Nothing is written on conflict. */
  savePoint(loaded: LoadedPoint, next: KpiPoint, correction?: KpiCorrection): Promise<SavePointResult>;
  recordMove(m: KpiMove): Promise<void>;
  listMovesSince(sinceIso: string): Promise<KpiMove[]>;
  /** A KPI's corrections, newest first (for one period, or all). */
  getCorrections(code: string, period?: string): Promise<KpiCorrection[]>;
  listDefinitionsWithLatest(): Promise<{ def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[]>;
  /** Several definitions, each with the last two values kept on it: what an action card's KPI lines need, in one read. In the order asked; unknown codes are left out. */
  getDefinitionsWithLatest(codes: readonly string[]): Promise<{ def: KpiDefinition; latest?: KpiPoint; previous?: KpiPoint }[]>;
  getDefinition(code: string): Promise<KpiDefinition | undefined>;
  listDefinitions(): Promise<KpiDefinition[]>;
  /** The whole series, oldest first. */
  getSeries(code: string): Promise<KpiPoint[]>;
}
