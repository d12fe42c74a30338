'use strict';
/**
 * The soak test's load (e2e/soak.spec.ts), run as its own process so that the memory the
 * test measures is the host's alone. Usage:
 *
 *   node segment-churner.js DIR NATIVE_FRONT COUNT CHURN_SECONDS
 *
 * 1. Fills DIR with COUNT marked segments (a mix of live, stale and no-marker), prints
 *    {"event":"filled",...} and waits for a line "churn" on stdin.
 * 2. For CHURN_SECONDS keeps removing and creating segments (about COUNT in flight),
 *    re-marks some in place (live <-> stale <-> no-marker), and every few seconds removes
 *    and re-creates a large burst at once. Prints {"event":"churned",...}.
 * 3. Leaves a known final set (some survivors of the churn, re-marked to their final
 *    state, plus new entries), removes everything else it made, prints
 *    {"event":"final",...} with every name and state, and stays alive (the live owner of
 *    the live ones) until stdin closes or a signal comes. It never removes the final set.
 *
 * Live markers name this process; stale ones name MAX_PID (protocol/limits.ts), which no
 * process can ever have: Linux hands out PIDs below pid_max, and pid_max is at most that.
 */
const fs = require('node:fs');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { randomInt } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');

const [dir, frontPath, countArg, secondsArg] = process.argv.slice(2);
if (!dir || !frontPath || !countArg || !secondsArg) {
  process.stderr.write('usage: segment-churner.js DIR NATIVE_FRONT COUNT CHURN_SECONDS\n');
  process.exit(2);
}
const { createSegment } = require(frontPath);

const COUNT = Number(countArg);
const CHURN_MS = Number(secondsArg) * 1000;
/** PID_MAX_LIMIT on 64-bit (protocol/limits.ts MAX_PID): never a running process. */
const DEAD_PID = 4194304;
const MARKER_SIZE = 40;
const MARKER_MAGIC = 0xbeefcafe;
const DATA_SIZE = 4096;
const MODE = 0o600;
/** One churn step every TICK_MS: PER_TICK removed, PER_TICK created, REMARK_PER_TICK re-marked. */
const TICK_MS = 100;
const PER_TICK = 100;
const REMARK_PER_TICK = 50;
/** Every BURST_EVERY_MS, BURST segments go and as many new ones come in one step. */
const BURST_EVERY_MS = 10_000;
const BURST = 2_000;
/** The final set, by state. */
const FINAL = { live: 150, stale: 100, 'no-marker': 40, foreign: 10 };
/** Names removed during the churn that the test looks for (and must not find). */
const REMOVED_SAMPLES = 5;

/** name -> 'live' | 'stale' | 'no-marker' | 'foreign': everything this process has in DIR now. */
const present = new Map();
let created = 0;
let removed = 0;
let remarked = 0;
const removedSamples = [];

function say(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** A state for a new segment: half live, about 40% stale, the rest without a marker. */
function randomState() {
  const roll = randomInt(0, 10);
  return roll < 5 ? 'live' : roll < 9 ? 'stale' : 'no-marker';
}

/** Writes the marker's magic and PID fields for `state` (no-marker: magic 0). */
function writeMarker(name, state) {
  const fd = fs.openSync(path.join(dir, name), 'r+');
  try {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(state === 'no-marker' ? 0 : MARKER_MAGIC, 0);
    head.writeInt32LE(state === 'live' ? process.pid : DEAD_PID, 4);
    fs.writeSync(fd, head, 0, 8, fs.fstatSync(fd).size - MARKER_SIZE);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates one entry in `state` under a fresh name and returns the name. */
function create(state) {
  for (;;) {
    const name = state === 'foreign' ? `soak-foreign-${randomInt(0, 2 ** 32)}` : `pulse-shm-${randomInt(0, 2 ** 32)}`;
    // A name the test checks is gone must stay gone.
    if (present.has(name) || removedSamples.includes(name)) continue;
    try {
      if (state === 'live' || state === 'stale') {
        createSegment({
          dir,
          name,
          dataSize: DATA_SIZE,
          mode: MODE,
          markerPid: state === 'live' ? process.pid : DEAD_PID,
        });
      } else {
        // A file of zeros: a PulseAudio name with no valid marker, or any other entry.
        const fd = fs.openSync(path.join(dir, name), 'wx', MODE);
        try {
          fs.ftruncateSync(fd, DATA_SIZE + MARKER_SIZE);
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch (error) {
      if (error.code === 'EEXIST') continue;
      throw error;
    }
    present.set(name, state);
    created += 1;
    return name;
  }
}

function remove(name) {
  fs.unlinkSync(path.join(dir, name));
  present.delete(name);
  removed += 1;
  if (removedSamples.length < REMOVED_SAMPLES && randomInt(0, 100) === 0) removedSamples.push(name);
}

/** Up to `count` distinct names of what is present, picked at random. */
function pick(count) {
  const names = [...present.keys()];
  for (let i = 0; i < Math.min(count, names.length); i++) {
    const j = randomInt(i, names.length);
    [names[i], names[j]] = [names[j], names[i]];
  }
  return names.slice(0, count);
}

function churnStep(burst) {
  const size = burst ? BURST : PER_TICK;
  for (const name of pick(size)) remove(name);
  for (let i = 0; i < size; i++) create(randomState());
  for (const name of pick(REMARK_PER_TICK)) {
    const state = randomState();
    writeMarker(name, state);
    present.set(name, state);
    remarked += 1;
  }
}

async function main() {
  for (let i = 0; i < COUNT; i++) create(randomState());
  const states = { live: 0, stale: 0, 'no-marker': 0, foreign: 0 };
  for (const state of present.values()) states[state] += 1;
  say({ event: 'filled', pid: process.pid, count: present.size, created, removed, states });

  await waitForLine('churn');
  const started = Date.now();
  let nextBurst = started + BURST_EVERY_MS;
  while (Date.now() - started < CHURN_MS) {
    const burst = Date.now() >= nextBurst;
    if (burst) nextBurst += BURST_EVERY_MS;
    churnStep(burst);
    await sleep(TICK_MS);
  }
  say({ event: 'churned', seconds: (Date.now() - started) / 1000, created, removed, remarked, inFlight: present.size });

  // The final set: half of each segment state from survivors of the churn (re-marked in
  // place, so the host sees a change, not a new name), half new; foreign entries new.
  const final = { live: [], stale: [], 'no-marker': [], foreign: [] };
  const survivors = pick(FINAL.live + FINAL.stale + FINAL['no-marker']);
  for (const state of ['live', 'stale', 'no-marker']) {
    for (let i = 0; i < Math.floor(FINAL[state] / 2); i++) {
      const name = survivors.pop();
      writeMarker(name, state);
      present.set(name, state);
      final[state].push(name);
    }
  }
  const keep = new Set(Object.values(final).flat());
  for (const name of [...present.keys()]) if (!keep.has(name)) remove(name);
  for (const state of Object.keys(FINAL)) {
    while (final[state].length < FINAL[state]) final[state].push(create(state));
  }
  say({ event: 'final', pid: process.pid, created, removed, remarked, final, removedSamples });
}

/** Resolves on the first stdin line equal to `wanted`; stdin closing ends the process. */
let input = '';
const lineWaiters = [];
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let eol;
  while ((eol = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, eol).trim();
    input = input.slice(eol + 1);
    for (const waiter of lineWaiters.filter((entry) => entry.wanted === line)) {
      lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
});
// The test is gone (or done with us): leave what is in DIR to its teardown.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

function waitForLine(wanted) {
  return new Promise((resolve) => lineWaiters.push({ wanted, resolve }));
}

main().catch((error) => {
  process.stderr.write(`segment-churner: ${error.stack ?? String(error)}\n`);
  process.exit(1);
});
