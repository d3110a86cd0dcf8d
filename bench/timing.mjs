// What bench/perf's timed parts share (load to interactive in perf.mjs, the
// journeys in journeys.mjs): the browser, the emulation, and how
// their figures are summed up and printed.
import { chromium } from '@playwright/test';

// The emulation: 1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT, 4x CPU.
export const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
export const CPU_SLOWDOWN = 4;
export const EMULATION = `${(NETWORK.downloadThroughput * 8) / 1e6} Mbit/s down, ${(NETWORK.uploadThroughput * 8) / 1e3} kbit/s up, `
  + `${NETWORK.latency} ms RTT, ${CPU_SLOWDOWN}x CPU`;

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The emulation on one page's CDP session; it holds across the page's loads. */
export async function emulate(cdp) {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

export function table(title, header, rows) {
  console.log(`\n${title}`);
  console.log(header);
  for (const r of rows) console.log(r);
}
