/**
 * Where a benchmark's CPU goes: the CPU time of this process and every process under it, grouped by what each is
 * (the hub's worker and gateway, PostgreSQL, Temporal, this process), read from /proc between two points.
 */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type CpuSample = Map<number, { group: string; ticks: number }>;

/** `named` gives a group for particular pids (the worker, the gateway); the rest are grouped by command name. */
export function sampleCpu(named: Map<number, string>): CpuSample {
  const parents = new Map<number, number>();
  const stats = new Map<number, { comm: string; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after its last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
    stats.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
  }
  const under = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  const sample: CpuSample = new Map();
  for (const [pid, { comm, ticks }] of stats) {
    if (!under(pid)) continue;
    const group = pid === process.pid ? 'bench' : (named.get(pid) ?? comm.replace(/[-_:.\d]+$/, ''));
    sample.set(pid, { group, ticks });
  }
  return sample;
}

/** CPU milliseconds per unit of work (`units`) by group between two samples, most first. */
export function cpuMsPer(before: CpuSample, after: CpuSample, units: number): Record<string, number> {
  const totals = new Map<string, number>();
  for (const [pid, { group, ticks }] of after) {
    const spent = ticks - (before.get(pid)?.ticks ?? 0);
    totals.set(group, (totals.get(group) ?? 0) + spent);
  }
  const perUnit = [...totals]
    .map(([group, ticks]): [string, number] => [group, (ticks * 1000) / TICKS_PER_SECOND / units])
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  const total = perUnit.reduce((sum, [, ms]) => sum + ms, 0);
  return Object.fromEntries(
    [...perUnit, ['total', total]].map(([g, ms]) => [g, Math.round(Number(ms) * 10) / 10]),
  );
}
