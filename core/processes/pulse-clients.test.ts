import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../inspector/service-test-support';
import { pactlRunner, parsePactlClients, PulseClientNames } from './pulse-clients';

/**
 * What Debian 12's pactl 16.1 printed for `pactl -f json list clients` against a real
 * daemon with paplay playing (captured once; test/process-view.test.ts parses a live run).
 */
const CAPTURED =
  '[{"index":0,"driver":"protocol-native.c","owner_module":"0","properties":{"application.name":"paplay","native-protocol.peer":"UNIX socket client","native-protocol.version":"35","media.format":"WAVEX (Microsoft)","media.name":"tone.wav","application.process.id":"25898","application.process.user":"root","application.process.host":"vm","application.process.binary":"pacat","application.language":"C.UTF-8","application.process.machine_id":"3d1219c7c4c5404aaa1f6d2a48adfda4"}},{"index":1,"driver":"protocol-native.c","owner_module":"0","properties":{"application.name":"pactl","native-protocol.peer":"UNIX socket client","native-protocol.version":"35","application.process.id":"25900","application.process.user":"root","application.process.host":"vm","application.process.binary":"pactl","application.language":"C.UTF-8","application.process.machine_id":"3d1219c7c4c5404aaa1f6d2a48adfda4"}}]';

describe('parsePactlClients', () => {
  it('maps each client’s PID to its application name and binary', () => {
    expect(parsePactlClients(CAPTURED)).toEqual(
      new Map([
        [25898, { name: 'paplay', binary: 'pacat' }],
        [25900, { name: 'pactl', binary: 'pactl' }],
      ]),
    );
  });

  it('skips clients without a usable PID and keeps what else it can read', () => {
    const text = JSON.stringify([
      { properties: { 'application.name': 'remote' } },
      { properties: { 'application.process.id': 'x12', 'application.name': 'bad pid' } },
      { properties: { 'application.process.id': '0' } },
      { properties: { 'application.process.id': 12, 'application.name': 'numeric pid' } },
      { noProperties: true },
      'not an object',
      { properties: { 'application.process.id': '42' } },
    ]);
    expect(parsePactlClients(text)).toEqual(new Map([[42, { name: null, binary: null }]]));
  });

  it('throws on output that is not a JSON list', () => {
    expect(() => parsePactlClients('Connection failure: Connection refused')).toThrow();
    expect(() => parsePactlClients('{"index":0}')).toThrow();
  });
});

describe('pactlRunner', () => {
  const dirs: string[] = [];
  const saved = process.env.PULSE_SERVER;
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.PULSE_SERVER;
    else process.env.PULSE_SERVER = saved;
  });

  it('rejects with a short reason when no server answers (the real pactl, a socket nobody listens on)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-pactl-test-'));
    dirs.push(dir);
    process.env.PULSE_SERVER = `unix:${dir}/no-such-socket`;
    await expect(pactlRunner(dir)()).rejects.toThrow(/^no PulseAudio server answered/);
    // pactl's client config went with the run.
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('PulseClientNames', () => {
  // pactl is replaced here: what is tested is when it is asked and how its answers are kept.
  const opened: PulseClientNames[] = [];
  afterEach(() => {
    for (const names of opened.splice(0)) names.close();
  });
  function names(run: () => Promise<string>, intervalMs = 60_000) {
    let changes = 0;
    const value = new PulseClientNames(() => (changes += 1), { run, intervalMs });
    opened.push(value);
    return { value, changes: () => changes };
  }

  it('asks nothing while no process holds a PulseAudio pool', async () => {
    let calls = 0;
    const { value } = names(async () => {
      calls += 1;
      return '[]';
    });
    value.watch(new Set());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(0);
    expect(value.status).toBeNull();
  });

  it('asks at once for a new holder, not again for the same ones, and again at its cadence', async () => {
    let calls = 0;
    const { value, changes } = names(async () => {
      calls += 1;
      return CAPTURED;
    }, 50);
    value.watch(new Set([25898]));
    await waitFor(() => value.status?.available);
    expect(value.clients.get(25898)).toEqual({ name: 'paplay', binary: 'pacat' });
    expect(changes()).toBe(1);
    const before = calls;
    value.watch(new Set([25898]));
    expect(calls).toBe(before);
    value.watch(new Set([25898, 7]));
    expect(calls).toBe(before + 1);
    await waitFor(() => calls >= before + 3);
  });

  it('turns a failure or unreadable output into no names, with the reason', async () => {
    let answer: () => Promise<string> = () => Promise.reject(new Error('pactl is not installed'));
    const { value } = names(() => answer(), 20);
    value.watch(new Set([1]));
    await waitFor(() => value.status?.available === false);
    expect(value.status).toEqual({ available: false, reason: 'pactl is not installed' });
    answer = async () => 'garbage';
    await waitFor(() => value.status?.available === false && value.status.reason !== 'pactl is not installed');
    expect(value.status).toEqual({
      available: false,
      reason: 'pactl printed something other than its JSON client list',
    });
    expect(value.clients.size).toBe(0);
    value.watch(new Set());
    expect(value.status).toBeNull();
  });
});
