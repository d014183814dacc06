import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localTime } from './local-time.ts';

/** Intl's own answer, asked for every instant: the reference the cached offsets must agree with. */
function reference(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

describe('localTime', () => {
  it('agrees with Intl in every Brazilian zone, across the years of daylight saving time and after', () => {
    const zones = ['America/Sao_Paulo', 'America/Manaus', 'America/Cuiaba', 'America/Rio_Branco', 'America/Noronha', 'America/Recife', 'America/Campo_Grande'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const instant = new Date(Math.floor(ms / 60_000) * 60_000);
        expect(localTime(instant, zone)).toEqual(reference(instant, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('crosses the last start of daylight saving time in São Paulo (04/11/2018: midnight became 01:00)', () => {
    expect(localTime(new Date('2018-11-04T02:59:00Z'), 'America/Sao_Paulo')).toMatchObject({ date: '2018-11-03', minutes: 23 * 60 + 59 });
    expect(localTime(new Date('2018-11-04T03:00:00Z'), 'America/Sao_Paulo')).toMatchObject({ date: '2018-11-04', minutes: 60 });
  });
});
