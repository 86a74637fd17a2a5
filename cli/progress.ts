import cliProgress from 'cli-progress';

/**
 * The command line's one progress bar (cli-progress): redrawn in place on a terminal; in a log (no terminal) one line
 * per tenth done, so a service's journal is not flooded.
 */
export interface ProgressBar {
  /** Sets how much is done (and the total, once known). */
  update(done: number, total?: number): void;
  stop(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} {bar} {value}/{total} {percentage}% | {rate}/s | eta {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const startedAt = Date.now();
    return {
      update(done, total) {
        const rate = (done / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1);
        if (!started) {
          bar.start(total ?? 0, done, { rate });
          started = true;
        } else {
          if (total !== undefined) bar.setTotal(total);
          bar.update(done, { rate });
        }
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  let knownTotal = 0;
  return {
    update(done, total) {
      if (total !== undefined) knownTotal = total;
      if (knownTotal <= 0) return;
      const tenth = Math.floor((done / knownTotal) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const filled = Math.round((done / knownTotal) * 30);
      stream.write(`${label} ${'█'.repeat(filled)}${'░'.repeat(30 - filled)} ${done}/${knownTotal}\n`);
    },
    stop: () => undefined,
  };
}
