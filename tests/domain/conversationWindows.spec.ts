import assert from 'node:assert/strict';
import { admit, CONVERSATION_WINDOWS, type SendStamps } from '../../proactive/rateLimiter';

/** Teams' per-conversation windows as one pure rule, applied to stamps every instance shares. */
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const empty = (): SendStamps => ({ recent: [], minutes: [] });

function sendAll(stamps: SendStamps, times: number[]): SendStamps {
  for (const t of times) {
    const d = admit(stamps, t);
    assert.equal(d.wait, 0, `send at +${t - T0} ms should fit`);
    stamps = d.next;
  }
  return stamps;
}

describe('per-conversation windows (admit)', () => {
  it('lets 7 through in a second, then says how long until the first of them leaves the window', () => {
    const s = sendAll(empty(), [0, 10, 20, 30, 40, 50, 60].map((x) => T0 + x));
    const d = admit(s, T0 + 100);
    assert.equal(d.wait, 1000 - 100 + 1, 'the 8th waits for the first send to be a second old');
    assert.equal(admit(s, T0 + 1001).wait, 0, 'a second after the first, the 8th fits (8 per 2 s is not yet full)');
  });

  it('holds 8 per 2 s after the 1 s window has room again', () => {
    const s = sendAll(empty(), [0, 1, 2, 3, 4, 5, 6, 1100].map((x) => T0 + x));
    const d = admit(s, T0 + 1200);
    assert.equal(d.wait, 2000 - 1200 + 1, 'the 9th waits for the first to be two seconds old');
  });

  it('holds 60 per 30 s', () => {
    const times = Array.from({ length: 60 }, (_, i) => T0 + i * 300); // 8 per 2.4 s: inside the short windows
    const s = sendAll(empty(), times);
    const d = admit(s, T0 + 18_000 + 300);
    assert.equal(d.wait, T0 + 30_000 - (T0 + 18_300) + 1);
  });

  it('holds 1,800 per hour from per-minute counts, erring towards waiting', () => {
    // 30 sends in each of 60 minutes: 1,800 within the hour.
    const s: SendStamps = { recent: [], minutes: Array.from({ length: 60 }, (_, m) => [Math.floor(T0 / 60_000) + m, 30] as [number, number]) };
    const now = T0 + 60 * 60_000 - 1; // the last moment of the 60th minute
    const d = admit(s, now);
    assert.ok(d.wait > 0, 'the 1,801st in the hour waits');
    // It may go once the first minute's bucket has wholly left the hour.
    assert.equal(d.wait, T0 + 60_000 + 3_600_000 - now + 1);
    assert.equal(admit(s, now + d.wait).wait, 0);
  });

  it('keeps the row small: stamps older than the short windows and minutes older than the hour are dropped', () => {
    let s = sendAll(empty(), [T0, T0 + 5_000]);
    s = admit(s, T0 + 2 * 3_600_000).next;
    assert.deepEqual(s.recent, [T0 + 2 * 3_600_000]);
    assert.equal(s.minutes.length, 1);
    assert.equal(Math.max(...CONVERSATION_WINDOWS.map((w) => w.windowMs)), 3_600_000);
  });
});
