import { describe, expect, it } from 'vitest';
import { completeUscc, normalizeUscc, orgCodeCheckChar, usccCheckChar, usccProblem } from '../../src/core/util/uscc';

describe('USCC (GB 32100-2015)', () => {
  it('accepts published valid codes', () => {
    expect(usccProblem('91350100M000100Y43')).toBeNull();
    expect(usccProblem('91110000802100433B')).toBeNull();
  });

  it('accepts codes that begin with letters (social organisations, other registrars)', () => {
    for (const first15 of ['Y1440400MF000001', 'A1440400MA4UKWXN', 'N2440400MF000000', '52440400MJ000000']) {
      const code = completeUscc(first15);
      expect(code).toHaveLength(18);
      expect(usccProblem(code)).toBeNull();
    }
    expect(usccProblem('Y1440400MF0000013M')).toBeNull();
  });

  it('computes the GB 11714 organisation-code check (10 → X, 11 → 0)', () => {
    expect(orgCodeCheckChar('D2143569')).toBe('X'); // the classic GB 11714 example D2143569-X
    expect(orgCodeCheckChar('80210043')).toBe('3');
  });

  it('rejects a wrong check character', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('check');
    const good = completeUscc('91440400MA4UKWXN');
    const wrong = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
    expect(usccProblem(wrong)).toBe('check');
  });

  it('rejects a wrong organisation-code check in positions 9–17', () => {
    const body = '91440400MA4UKWXN';
    const org = orgCodeCheckChar(body.slice(8, 16));
    const badOrg = org === '1' ? '2' : '1';
    const first17 = body + badOrg;
    expect(usccProblem(first17 + usccCheckChar(first17))).toBe('orgCheck');
  });

  it('rejects wrong length and forbidden letters I, O, S, V, Z', () => {
    expect(usccProblem('91350100M000100Y4')).toBe('length');
    expect(usccProblem('91350100M000100Y433')).toBe('length');
    expect(usccProblem('91350100I000100Y43')).toBe('charset');
    expect(usccProblem('9135010OM000100Y43')).toBe('charset');
  });

  it('normalises what people paste: spaces, lower case, full-width space', () => {
    expect(normalizeUscc(' 9135 0100m000100y43\u3000')).toBe('91350100M000100Y43');
  });
});
