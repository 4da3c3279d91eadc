import type { Meeting, PlanSnapshot } from '../../domain/boardPack';

// Why this port: board packs keep immutable snapshots and the next meeting; behind an interface the pack's use cases do not depend on Table Storage (storage/snapshotRepository.ts implements it).

export interface SnapshotHeader {
  planId: string;
  asAt: string;
  takenAt: string;
  planName: string;
  meeting?: Meeting;
}

export type SaveSnapshotResult = { created: true; snapshot: PlanSnapshot } | { created: false; snapshot: PlanSnapshot };

/** Board-pack snapshots (written once, never changed) and each plan's next board meeting. */
export interface SnapshotStore {
  /** Write a snapshot once; if one exists for that plan and date it is kept and returned (created: false). */
  save(snap: PlanSnapshot): Promise<SaveSnapshotResult>;
  get(planId: string, asAt: string): Promise<PlanSnapshot | undefined>;
  list(planId: string): Promise<SnapshotHeader[]>;
  /** The latest snapshot strictly before `asAt`. */
  previous(planId: string, asAt: string): Promise<PlanSnapshot | undefined>;
  getMeeting(planId: string): Promise<(Meeting & { setBy: string; setAt: string }) | undefined>;
  listMeetings(): Promise<(Meeting & { planId: string })[]>;
  setMeeting(planId: string, meeting: Meeting, setBy: string, setAt: string): Promise<void>;
}
