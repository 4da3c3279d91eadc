import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Peak resident memory and CPU time, attributed to the phase running at the time.
 * The bot shares this process with the harness (generated data, HTTP client, connector stand-in),
 * so "process" figures are an upper bound for the bot. Azurite runs in child processes and is read
 * from /proc (Linux only; elsewhere those columns stay empty): its memory grows with the data and
 * its CPU shows how much of a question's time is the emulator's rather than the bot's.
 */
export interface PhaseUsage {
  phase: string;
  wallMs: number;
  processRss: number;
  /** V8 heap in use: tells retained data apart from heap the collector has not yet handed back. */
  heapUsed: number;
  childrenRss: number;
  /** CPU seconds, user + system. */
  processCpu: number;
  childrenCpu: number;
}

// Linux reports /proc/<pid>/stat times in clock ticks; USER_HZ is 100 on every mainstream build.
const TICKS_PER_SECOND = 100;

interface ChildSample {
  rss: number;
  cpu: number;
}

function readChildren(): Map<number, ChildSample> | undefined {
  try {
    const pids = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    const out = new Map<number, ChildSample>();
    for (const pid of pids) {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Fields after the command name, which may itself contain spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
        const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        out.set(pid, { rss, cpu });
      } catch {
        // The child exited between listing and reading.
      }
    }
    return out;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by all child processes (Azurite); NaN where /proc is unavailable. */
export function childrenCpuSeconds(): number {
  const children = readChildren();
  if (!children) return NaN;
  let total = 0;
  for (const c of children.values()) total += c.cpu;
  return total;
}

const processCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export class ResourceSampler {
  private readonly usage = new Map<string, PhaseUsage>();
  private phase: string | undefined;
  private phaseStart = { wall: 0, cpu: 0, childCpu: new Map<number, number>() };
  /** Last CPU seen per child, so a child that exits mid-phase still counts up to its last sample. */
  private readonly childCpu = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  start(intervalMs = 50): void {
    this.timer = setInterval(() => this.sample(++this.ticks % 5 === 0), intervalMs);
    // Never the reason the process stays alive.
    this.timer.unref();
  }

  enter(phase: string): void {
    this.close();
    this.phase = phase;
    this.sample(true);
    this.phaseStart = { wall: performance.now(), cpu: processCpuSeconds(), childCpu: new Map(this.childCpu) };
  }

  stop(): void {
    this.close();
    this.phase = undefined;
    if (this.timer) clearInterval(this.timer);
  }

  results(): PhaseUsage[] {
    return [...this.usage.values()];
  }

  private current(): PhaseUsage | undefined {
    if (!this.phase) return undefined;
    let u = this.usage.get(this.phase);
    if (!u) {
      u = { phase: this.phase, wallMs: 0, processRss: 0, heapUsed: 0, childrenRss: 0, processCpu: 0, childrenCpu: 0 };
      this.usage.set(this.phase, u);
    }
    return u;
  }

  private close(): void {
    const u = this.current();
    if (!u) return;
    this.sample(true);
    u.wallMs += performance.now() - this.phaseStart.wall;
    u.processCpu += processCpuSeconds() - this.phaseStart.cpu;
    for (const [pid, cpu] of this.childCpu) u.childrenCpu += cpu - (this.phaseStart.childCpu.get(pid) ?? 0);
  }

  /** /proc reads cost more than memoryUsage(); children are read on every fifth tick only. */
  private sample(withChildren: boolean): void {
    const u = this.current();
    const m = process.memoryUsage();
    if (u) {
      u.processRss = Math.max(u.processRss, m.rss);
      u.heapUsed = Math.max(u.heapUsed, m.heapUsed);
    }
    if (!withChildren) return;
    const children = readChildren();
    if (!children) return;
    let total = 0;
    for (const [pid, c] of children) {
      total += c.rss;
      this.childCpu.set(pid, c.cpu);
    }
    if (u) u.childrenRss = Math.max(u.childrenRss, total);
  }
}
