import assert from 'node:assert/strict';
import { paths, slugOf } from '../../server/paths.ts';
import { threadKey } from '../../server/forums/threads.service.ts';

describe('paths: readable addresses', () => {
  it('makes the words of an address from a title in any of our languages', () => {
    assert.equal(slugOf('Miten jaksatte?'), 'miten-jaksatte');
    assert.equal(slugOf('Äiti, isä ja Åland'), 'aiti-isa-ja-aland');
    assert.equal(slugOf('Søskende og ægtefæller'), 'soskende-og-aegtefaeller');
    assert.equal(slugOf('  --Hei!!  '), 'hei');
    assert.equal(slugOf('💬 ❤️'), '');
    const long = slugOf('Pitkä otsikko, jossa on paljon sanoja ja vielä enemmän sanoja perään, jotta se ylittää rajan');
    assert.ok(long.length <= 60 && !long.endsWith('-'), long);
    assert.match(long, /^pitka-otsikko-jossa-on-paljon-sanoja/);
  });

  it('names a thread by its number and words, by its number alone when the title has none, and by its id otherwise', () => {
    assert.equal(paths.thread({ id: 'x', number: 12, title: 'Miten jaksatte?' }), '/threads/12-miten-jaksatte');
    assert.equal(paths.thread({ id: 'x', number: 12, title: '❤️' }), '/threads/12');
    assert.equal(paths.thread({ id: '5b0c1ad2-0000-4000-8000-000000000000' }), '/threads/5b0c1ad2-0000-4000-8000-000000000000');
    assert.equal(paths.postInThread({ id: 'x', number: 3, title: 'Aamu', postCount: 45 }, 41), '/threads/3-aamu?page=3#post-41');
  });

  it('tells an id that begins with eight digits from a number with words', () => {
    assert.deepEqual(threadKey('42607310-e5db-4a66-834c-a56df5832454'), { by: 'id', key: '42607310-e5db-4a66-834c-a56df5832454' });
    assert.deepEqual(threadKey('42607310-aanet-yolla'), { by: 'number', key: 42607310 });
    assert.deepEqual(threadKey('12'), { by: 'number', key: 12 });
    assert.equal(threadKey('abc'), null);
  });
});
