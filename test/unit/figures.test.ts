import assert from 'node:assert/strict';
import { guarded } from '../../server/figures/figures.queries.ts';

describe('figures: small counts of people and what would give them away', () => {
  it('hides a count below the threshold, and withholds the next smallest when the total would tell the hidden one', () => {
    // 3 hidden; the total 15 less 12 would be 3, so the 12 is withheld too.
    assert.deepEqual(guarded([12, 3], 15, 5), { cells: [{ withheld: true }, { fewerThan: 5 }], total: { n: 15 } });
    // The smallest shown count is the one withheld, not a bigger one; zeros say nothing and stay.
    assert.deepEqual(guarded([20, 3, 0, 7], 30, 5), { cells: [{ n: 20 }, { fewerThan: 5 }, { n: 0 }, { withheld: true }], total: { n: 30 } });
  });

  it('needs nothing more when two are hidden already, or the total itself is hidden', () => {
    assert.deepEqual(guarded([12, 3, 4], 19, 5), { cells: [{ n: 12 }, { fewerThan: 5 }, { fewerThan: 5 }], total: { n: 19 } });
    assert.deepEqual(guarded([3, 0], 3, 5), { cells: [{ fewerThan: 5 }, { n: 0 }], total: { fewerThan: 5 } });
    assert.deepEqual(guarded([6, 8], 14, 5), { cells: [{ n: 6 }, { n: 8 }], total: { n: 14 } });
  });
});
