import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armOf, armSums, compareArms, newcombeInterval, normalQuantile, summarize, tCdf, tQuantile, welchTest, wilsonInterval, type DebtorOutcome } from './experiment.ts';

describe('armOf', () => {
  it('splits close to the share over 100k ids (binomial tolerance) and is stable across calls', () => {
    for (const share of [0.1, 0.5]) {
      const n = 100_000;
      let challengers = 0;
      for (let i = 0; i < n; i++) if (armOf('exp-2025-06', `debtor-${i}`, share) === 'challenger') challengers++;
      const sd = Math.sqrt(n * share * (1 - share));
      expect(Math.abs(challengers - n * share)).toBeLessThan(4 * sd); // within 4σ of the binomial (the hash is fixed: deterministic)
    }
    expect(armOf('exp', 'debtor-42', 0.3)).toBe(armOf('exp', 'debtor-42', 0.3));
    expect(() => armOf('exp', 'd', 0)).toThrow(RangeError);
    expect(() => armOf('exp', 'd', 1)).toThrow(RangeError);
  });

  it('a debtor in the challenger arm stays there when the share grows; other experiments split independently', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0.01, max: 0.98, noNaN: true }), (debtor, share) => {
        if (armOf('e1', debtor, share) === 'challenger') expect(armOf('e1', debtor, share + 0.01)).toBe('challenger');
      }),
    );
    let both = 0;
    for (let i = 0; i < 20_000; i++) if (armOf('e1', `d${i}`, 0.5) === 'challenger' && armOf('e2', `d${i}`, 0.5) === 'challenger') both++;
    expect(Math.abs(both - 5000)).toBeLessThan(4 * Math.sqrt(20_000 * 0.25 * 0.75));
  });
});

describe('distributions', () => {
  it('t quantiles match the tables: t(0.975; 1) = 12.706, t(0.975; 10) = 2.228, t(0.975; 30) = 2.042 …', () => {
    const table: Array<[number, number, number]> = [
      [0.975, 1, 12.706], [0.975, 2, 4.303], [0.975, 5, 2.571], [0.975, 10, 2.228], [0.975, 30, 2.042], [0.975, 120, 1.980],
      [0.95, 1, 6.314], [0.95, 10, 1.812], [0.995, 10, 3.169], [0.995, 30, 2.75], [0.9995, 5, 6.869],
    ];
    for (const [p, df, t] of table) {
      expect(tQuantile(p, df), `t(${p}; ${df})`).toBeCloseTo(t, 3);
      expect(tQuantile(1 - p, df)).toBeCloseTo(-t, 3);
    }
    // df = 1 is Cauchy: closed form tan(π(p − ½)); df = 2: t = (2p − 1)·√(2 / (4p(1 − p)))
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 10);
    expect(tQuantile(0.9, 2)).toBeCloseTo(0.8 * Math.sqrt(2 / (4 * 0.9 * 0.1)), 10);
    // large df: the normal limit, continuous across the switch to the asymptotic expansion
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 6);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(tQuantile(0.975, 1000.0001), 9);
    expect(tCdf(tQuantile(0.975, 17.776), 17.776)).toBeCloseTo(0.975, 12);
  });

  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829303548901, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });
});

describe('intervals against published examples', () => {
  it('Welch: R’s t.test(extra ~ group, data = sleep) → t = −1.8608, df = 17.776, p = 0.07939, 95 % CI −3.3654832 to 0.2054832', () => {
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = welchTest(summarize(group1), summarize(group2));
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.pValue).toBeCloseTo(0.07939, 5);
    expect(r.interval[0]).toBeCloseTo(-3.3654832, 6);
    expect(r.interval[1]).toBeCloseTo(0.2054832, 6);
  });

  it('Wilson score interval: Newcombe (1998, single proportion) — 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718', () => {
    const close = (got: [number, number], want: [number, number]) => {
      expect(got[0]).toBeCloseTo(want[0], 4);
      expect(got[1]).toBeCloseTo(want[1], 4);
    };
    close(wilsonInterval(81, 263), [0.2553, 0.3662]);
    close(wilsonInterval(15, 148), [0.0624, 0.1605]);
    close(wilsonInterval(0, 20), [0, 0.1611]);
    close(wilsonInterval(1, 29), [0.0061, 0.1718]);
  });

  it('Newcombe hybrid score interval for a difference (1998, method 10): 56/70 − 48/80 → 0.0524 to 0.3339; 9/10 − 3/10 → 0.1705 to 0.8090; 5/56 − 0/29 → −0.0381 to 0.1926', () => {
    const cases: Array<[number, number, number, number, number, number]> = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [5, 56, 0, 29, -0.0381, 0.1926],
    ];
    for (const [a, n, b, m, lo, hi] of cases) {
      const r = newcombeInterval(a, n, b, m);
      expect(r.interval[0]).toBeCloseTo(lo, 4);
      expect(r.interval[1]).toBeCloseTo(hi, 4);
    }
  });
});

/** A deterministic arm: n debtors owing 1 000,00 each; the first `payers` pay `ratio` of it (varying a little). */
function arm(n: number, payers: number, ratio: number): { debtors: DebtorOutcome[] } {
  return { debtors: Array.from({ length: n }, (_, i) => ({ exposureCents: 100_000, recoveredCents: i < payers ? Math.round(100_000 * ratio * (0.8 + 0.4 * ((i * 7919) % 100) / 100)) : 0 })) };
}

describe('compareArms', () => {
  it('challenger better, champion better, or no significant difference yet — with the interval in the message', () => {
    const champion = arm(400, 120, 0.5);
    const better = compareArms(champion, arm(400, 180, 0.5));
    expect(better.verdict).toBe('challenger');
    expect(better.message).toMatch(/^desafiante recupera mais \(IC 95 %: \+\d+,\d\d p\.p\. a \+\d+,\d\d p\.p\. na recuperação média por devedor\)$/);
    expect(better.challenger.recoveryRate).toBeGreaterThan(better.champion.recoveryRate);
    expect(better.payerShare!.difference).toBeCloseTo(0.15, 10);
    expect(better.payerShare!.interval[0]).toBeGreaterThan(0);

    const worse = compareArms(arm(400, 180, 0.5), champion);
    expect(worse.verdict).toBe('champion');
    expect(worse.message).toMatch(/^campeão recupera mais \(IC 95 %: \+/);

    const same = compareArms(champion, arm(300, 92, 0.5));
    expect(same.verdict).toBe('no_difference');
    expect(same.message).toMatch(/^sem diferença significativa ainda \(IC 95 % inclui 0: -\d+,\d\d p\.p\. a \+\d+,\d\d p\.p\., desafiante − campeão\)$/);

    expect(compareArms(arm(1, 1, 0.5), champion)).toMatchObject({ verdict: 'insufficient_data', recoveryRatio: null });
  });

  it('per-debtor lists and running sums give the same comparison; money is summed exactly in bigint', () => {
    const a = arm(250, 60, 0.4);
    const b = arm(230, 80, 0.35);
    const fromLists = compareArms(a, b);
    const fromSums = compareArms(armSums(a.debtors), armSums(b.debtors));
    expect(fromSums.verdict).toBe(fromLists.verdict);
    expect(fromSums.champion.exposureCents).toBe(25_000_000n);
    expect(fromSums.challenger.recoveredCents).toBe(fromLists.challenger.recoveredCents);
    expect(fromSums.recoveryRatio!.interval[0]).toBeCloseTo(fromLists.recoveryRatio!.interval[0], 10);
    expect(fromSums.recoveryRatio!.df).toBeCloseTo(fromLists.recoveryRatio!.df, 6);
    expect(fromLists.champion.recoveryRate).toBeCloseTo(Number(fromLists.champion.recoveredCents) / 25_000_000, 12);
  });

  it('the recovery-ratio interval is Welch’s on the per-debtor ratios', () => {
    const a = arm(50, 20, 0.6);
    const b = arm(60, 30, 0.5);
    const ratios = (xs: DebtorOutcome[]) => xs.map((x) => x.recoveredCents / x.exposureCents);
    const r = compareArms(a, b);
    const w = welchTest(summarize(ratios(b.debtors)), summarize(ratios(a.debtors)));
    expect(r.recoveryRatio!.interval[0]).toBeCloseTo(w.interval[0], 12);
    expect(r.recoveryRatio!.interval[1]).toBeCloseTo(w.interval[1], 12);
  });
});
