/**
 * The harness's DOM shim where the dEQP pages of the WebGL 2.0.0 suite lean on it: their log
 * (deqp/framework/common/tcuLogImage.js) writes `info<br> <canvas id="logImageN" …></canvas>` through
 * a span's innerHTML, then finds that canvas by id and draws the image into its 2D context. A page
 * written here does the same and reports what it found through js-test-pre's assertions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuite } from '../../src/conformance/webgl-cts/cli.js';

const FIXTURE = new URL('../../../test/fixtures/webgl-cts', import.meta.url).pathname;

test('innerHTML markup becomes elements (a canvas found by id and drawn into); its scripts do not run; plain text stays text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cts-dom-'));
  try {
    cpSync(join(FIXTURE, 'resources'), join(dir, 'resources'), { recursive: true });
    mkdirSync(join(dir, 'conformance/t'), { recursive: true });
    writeFileSync(join(dir, '00_test_list.txt'), 'conformance/t/00_test_list.txt\n');
    writeFileSync(join(dir, 'conformance/t/00_test_list.txt'), 'inner-html.html\n');
    writeFileSync(join(dir, 'conformance/t/inner-html.html'), `<!DOCTYPE html><html><head>
<script src="../../resources/js-test-pre.js"></script></head>
<body><div id="description"></div><div id="console"></div>
<script>
var span = document.createElement('span');
document.getElementById('console').appendChild(span);
span.innerHTML = 'Result<br> <canvas id="logImage0" width=3 height=2></canvas><br><script>window.ran = true;<' + '/script>';
var c = document.getElementById('logImage0');
shouldBeTrue("c !== null && c.parentNode === span");
shouldBe("c.width", "3");
shouldBe("c.height", "2");
var ctx = c.getContext('2d');
var img = ctx.createImageData(3, 2);
img.data[0] = 10; img.data[1] = 20; img.data[2] = 30; img.data[3] = 255;
ctx.putImageData(img, 0, 0);
window.px = ctx.getImageData(0, 0, 1, 1).data;
shouldBe("Array.prototype.join.call(px, ',')", "'10,20,30,255'");
shouldBeUndefined("window.ran");
var t = document.createElement('span');
t.innerHTML = 'no markup';
shouldBe("t.childNodes.length", "1");
shouldBe("t.textContent", "'no markup'");
finishTest();
</script></body></html>`);
    const run = await runSuite({ suite: dir, version: '1.0.3', jobs: 1, timeoutMs: 8000, progress: false });
    const r = run.results['conformance/t/inner-html.html']!;
    assert.equal(r.outcome, 'pass', JSON.stringify(r));
    // the 7 assertions written above, then finishTest's successfullyParsed
    assert.equal(r.passed, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
