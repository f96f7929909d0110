import { describe, expect, it } from 'vitest';
import { matchExpression, searchTokens } from '../../src/core/search/tokens';
import { seedReference } from '../../src/core/seed/seed';
import { completeUscc } from '../../src/core/util/uscc';
import { testCore } from './helpers';

describe('Chinese-aware search', () => {
  it('indexes CJK runs as unigrams and bigrams and other words whole', () => {
    expect(searchTokens('大数据 Cloud')).toBe('大数 数据 大 数 据 cloud');
    expect(matchExpression('数据')).toBe('"数据"');
    expect(matchExpression('园')).toBe('"园"');
    expect(matchExpression('数据科技')).toBe('"数据 据科 科技"');
    expect(matchExpression('  ')).toBeNull();
  });

  it('finds enterprises and leads by 1-, 2- and 4-character Chinese, Latin prefix and USCC prefix', () => {
    const core = testCore();
    seedReference(core.context());
    const code = completeUscc('91440400MA4UKWXN');
    core.call('enterprises.create', { name: '珠海大数据科技有限公司', kind: 'core', status: 'settled', uscc: code });
    core.call('enterprises.create', { name: '横琴智慧园区服务有限公司', kind: 'service', status: 'settled' });
    core.call('leads.create', { company: 'Shenzhen DataWorks 数据公司', source: 'exhibition', stage: 'promoted' });
    const names = (q: string) => core.call('search.query', { q, limit: 20 }).map((h) => h.name).sort();
    expect(names('数据')).toEqual(['Shenzhen DataWorks 数据公司', '珠海大数据科技有限公司']);
    expect(names('园')).toEqual(['横琴智慧园区服务有限公司']);
    expect(names('数据科技')).toEqual(['珠海大数据科技有限公司']);
    expect(names('科数')).toEqual([]);
    expect(names('datawo')).toEqual(['Shenzhen DataWorks 数据公司']);
    expect(names(code.slice(0, 10).toLowerCase())).toEqual(['珠海大数据科技有限公司']);
  });

  it('forgets deleted records and follows renames', () => {
    const core = testCore();
    const e = core.call('enterprises.create', { name: '珠海云图数据有限公司', kind: 'startup', status: 'settled' });
    core.call('enterprises.update', { id: e.id as string, patch: { name: '珠海云图智能有限公司' } });
    expect(core.call('search.query', { q: '数据', limit: 5 })).toEqual([]);
    expect(core.call('search.query', { q: '智能', limit: 5 })).toHaveLength(1);
    core.call('enterprises.delete', { id: e.id as string });
    expect(core.call('search.query', { q: '智能', limit: 5 })).toEqual([]);
  });
});

describe('search ranks what the user meant first', () => {
  it('name and credit-code matches come before records found only by their tags, which are marked', () => {
    const core = testCore();
    seedReference(core.context());
    // Thirty records whose only 数据 is their tag, created before the one whose name has it.
    for (let i = 0; i < 30; i++) core.call('enterprises.create', { name: `珠海第${i}号智能有限公司`, kind: 'startup', status: 'settled', tags: ['演示数据'] });
    core.call('enterprises.create', { name: '横琴数据港有限公司', kind: 'startup', status: 'settled', tags: ['演示数据'] });
    core.call('leads.create', { company: '深圳数据工场有限公司', source: 'exhibition', stage: 'promoted' });
    const hits = core.call('search.query', { q: '数据', limit: 20 });
    expect(hits).toHaveLength(20);
    expect(hits.slice(0, 2).map((h) => [h.name, h.matchedIn])).toEqual([['横琴数据港有限公司', 'name'], ['深圳数据工场有限公司', 'name']]);
    expect(hits.slice(2).every((h) => h.matchedIn === 'tags' && !h.name.includes('数据'))).toBe(true);
    const code = completeUscc('91440400MA4UKWXN');
    core.call('enterprises.create', { name: '代码企业', kind: 'startup', status: 'settled', uscc: code });
    expect(core.call('search.query', { q: code.slice(0, 8), limit: 20 })[0]).toMatchObject({ name: '代码企业', matchedIn: 'code' });
  });
});
