import assert from 'node:assert/strict';
import { plainText } from '../bot/views/userText';
import { renderCard } from '../cards/render';

/** User text is shown as typed: Adaptive Card Markdown in it must not render. */
describe('plainText: the one escaping function for user text in cards', () => {
  it('defuses links, emphasis, code and list markers, and leaves ordinary text alone', () => {
    assert.equal(plainText('[Click here](https://evil.example)'), '\\[Click here\\](https://evil.example)');
    assert.equal(plainText('**bold** _it_ `code` ~~x~~'), '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~');
    assert.equal(plainText('- not a list\n1. nor this\n# nor a heading'), '\\- not a list\n1\\. nor this\n\\# nor a heading');
    assert.equal(plainText('HoS (RB) says 2.4 is 50% done, see https://x.example'), 'HoS (RB) says 2.4 is 50% done, see https://x.example');
  });

  it('keeps a link out of a rendered card', () => {
    const card = renderCard('message', { title: 't', lines: [plainText('see [here](https://evil.example)')], color: 'Default' });
    assert.doesNotMatch(JSON.stringify(card), /[^\\]\[here\]\(https/);
  });
});
