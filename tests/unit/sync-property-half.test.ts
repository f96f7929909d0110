import { describe, it } from 'vitest';
import { SYNC_PROPERTY_RUNS, checkSyncProperties } from './sync-property-suite';

// The second half of the suite's sync property runs (see sync-property.test.ts), on the other worker.
describe('sync properties (second half)', () => {
  it('office + 2 laptops, random work and exchanges, converge with nothing lost', () => checkSyncProperties(Math.floor(SYNC_PROPERTY_RUNS / 2), false), 600_000);
});
