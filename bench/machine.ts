import os from 'node:os';

export const round = (n: number) => Math.round(n * 10) / 10;

/** What a benchmark ran on, written beside its numbers. */
export function machine() {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}
