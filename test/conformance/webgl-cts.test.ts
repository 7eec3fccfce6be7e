/**
 * The WebGL conformance harness (src/conformance/webgl-cts): its list reader, HTML reader and
 * DOM shim, and the page runner end to end — pages written here, each with an outcome known
 * from what it does (passes, a deliberate failure, an uncaught exception, a page that never
 * finishes, one that never returns), plus Khronos pages from the vendored subset
 * (test/fixtures/webgl-cts) whose assertion counts are read off their source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, lineApplies, listPages, parseListLine } from '../../src/conformance/webgl-cts/list.js';
import { decodeEntities, elements, parseHtml } from '../../src/conformance/webgl-cts/html.js';
import { parseCssColour } from '../../src/conformance/webgl-cts/dom.js';
import { causeKey, groupFailures, tally } from '../../src/conformance/webgl-cts/report.js';
import { runSuite } from '../../src/conformance/webgl-cts/cli.js';
import { directoryOfPage, SKIPPED } from '../../src/conformance/webgl-cts/pages.js';
import { encodePng } from '../../src/image/png.js';

const FIXTURE = new URL('../../../test/fixtures/webgl-cts', import.meta.url).pathname;

test('list lines: options, comments, version bounds', () => {
  assert.deepEqual(parseListLine('--min-version 1.0.2 ogles/00_test_list.txt'), { target: 'ogles/00_test_list.txt', minVersion: '1.0.2', slow: false });
  assert.deepEqual(parseListLine('--slow --max-version 1.0.2 a.html // old'), { target: 'a.html', maxVersion: '1.0.2', slow: true });
  assert.equal(parseListLine('#glsl/longLoops.html // No interactive tests.'), null);
  assert.equal(parseListLine('// files that end in .txt list other tests'), null);
  assert.equal(parseListLine('   '), null);
  assert.equal(compareVersions('1.0.10', '1.0.3'), 1);
  assert.equal(compareVersions('1.0.3', '1.0.3'), 0);
  assert.equal(lineApplies({ target: 'x', minVersion: '1.0.3', slow: false }, '1.0.2'), false);
  assert.equal(lineApplies({ target: 'x', minVersion: '1.0.3', slow: false }, '1.0.3'), true);
  assert.equal(lineApplies({ target: 'x', maxVersion: '1.0.2', slow: false }, '1.0.3'), false);
});

test('nested lists resolve relative to their folder, filtered by version, without duplicates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cts-list-'));
  try {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, '00_test_list.txt'), 'a/00_test_list.txt\n--min-version 2.0.0 late.html\n');
    writeFileSync(join(dir, 'a/00_test_list.txt'), 'one.html\n--slow b/00_test_list.txt\n--max-version 1.0.1 old.html\none.html\n');
    writeFileSync(join(dir, 'a/b/00_test_list.txt'), 'two.html\n');
    assert.deepEqual(listPages(dir, '1.0.3'), [{ path: 'a/one.html', slow: false }, { path: 'a/b/two.html', slow: true }]);
    assert.deepEqual(listPages(dir, '2.0.0').map((p) => p.path), ['a/one.html', 'a/b/two.html', 'late.html']);
    assert.deepEqual(listPages(dir, '1.0.0').map((p) => p.path), ['a/one.html', 'a/b/two.html', 'a/old.html']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HTML reader: scripts keep their raw text, ids and attributes, implied head and body, entities', () => {
  const root = parseHtml(`<!DOCTYPE html><!-- a <script> in a comment -->
<html><head><meta charset="utf-8"><title>a &amp; b</title>
<script src="x.js"></script>
<script id="vs" type="x-shader/x-vertex">void main() { if (1 < 2 && true) gl_Position = vec4(0); }</script>
</head><body onload="go()"><canvas id=c width='4' height="2"></canvas><div id="console">x &lt; y</div><br/>
</body><script>var after = "</div>";</script></html>`);
  const all = [...elements(root)];
  const scripts = all.filter((e) => e.tag === 'script');
  assert.equal(scripts.length, 3);
  assert.equal(scripts[0]!.attrs.get('src'), 'x.js');
  assert.equal((scripts[1]!.children[0] as { text: string }).text, 'void main() { if (1 < 2 && true) gl_Position = vec4(0); }');
  assert.equal((scripts[2]!.children[0] as { text: string }).text, 'var after = "</div>";');
  const head = root.children[0] as { tag: string; children: { kind: string; tag?: string }[] };
  assert.deepEqual(head.children.filter((c) => c.kind === 'element').map((c) => c.tag), ['meta', 'title', 'script', 'script']);
  const canvas = all.find((e) => e.attrs.get('id') === 'c')!;
  assert.equal(canvas.tag, 'canvas');
  assert.equal(canvas.attrs.get('width'), '4');
  assert.equal(canvas.attrs.get('height'), '2');
  assert.equal((all.find((e) => e.attrs.get('id') === 'console')!.children[0] as { text: string }).text, 'x < y');
  assert.equal(all.find((e) => e.tag === 'body')!.attrs.get('onload'), 'go()');
  assert.equal(decodeEntities('&#60;&#x3e;&quot;&unknown;'), '<>"&unknown;');
});

test('CSS colours as the 2D shim fills with them', () => {
  assert.deepEqual(parseCssColour('#f00'), [255, 0, 0, 255]);
  assert.deepEqual(parseCssColour('#00ff80'), [0, 255, 128, 255]);
  assert.deepEqual(parseCssColour('rgb(1, 2, 3)'), [1, 2, 3, 255]);
  assert.deepEqual(parseCssColour('rgba(255,0,0,0.5)'), [255, 0, 0, 128]); // 0.5 × 255 = 127.5, rounded
  assert.deepEqual(parseCssColour('lime'), [0, 255, 0, 255]);
  assert.equal(parseCssColour('not a colour'), null);
});

test('cause keys blank particulars so like failures group', () => {
  assert.equal(causeKey('getError expected: INVALID_ENUM. Was NO_ERROR : texImage2D with 17'), causeKey('getError expected: INVALID_ENUM. Was NO_ERROR : texImage2D with 4'));
  assert.notEqual(causeKey('a should be 1'), causeKey('b should be 1'));
  const groups = groupFailures({
    'x/a.html': { outcome: 'fail', detail: '', messages: ['pixel at 3,4 should be 255'] },
    'x/b.html': { outcome: 'fail', detail: '', messages: ['pixel at 9,1 should be 0'] },
    'x/c.html': { outcome: 'pass', detail: '' },
    'x/d.html': { outcome: 'timeout', detail: 'not finished after 5 ms' },
  });
  assert.deepEqual(groups.map((g) => g.pages.length), [2, 1]);
  assert.equal(directoryOfPage('conformance/more/functions/bindBuffer.html'), 'conformance/more/functions');
  assert.equal(directoryOfPage('conformance/ogles/GL/abs/abs_001_to_006.html'), 'conformance/ogles');
  assert.equal(directoryOfPage('conformance/attribs/gl-vertex-attrib.html'), 'conformance/attribs');
});

/** A suite folder of pages written for the test, with the vendored js-test-pre/post and webgl-test-utils. */
function selfTestSuite(pages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cts-pages-'));
  cpSync(join(FIXTURE, 'resources'), join(dir, 'resources'), { recursive: true });
  cpSync(join(FIXTURE, 'conformance/resources'), join(dir, 'conformance/resources'), { recursive: true });
  mkdirSync(join(dir, 'conformance/t'), { recursive: true });
  writeFileSync(join(dir, '00_test_list.txt'), 'conformance/t/00_test_list.txt\n');
  writeFileSync(join(dir, 'conformance/t/00_test_list.txt'), Object.keys(pages).join('\n') + '\n');
  for (const [name, body] of Object.entries(pages)) {
    writeFileSync(join(dir, 'conformance/t', name), `<!DOCTYPE html><html><head>
<script src="../../resources/js-test-pre.js"></script>
<script src="../resources/webgl-test-utils.js"></script></head>
<body><canvas id="c" width="2" height="2"></canvas><div id="description"></div><div id="console"></div>
${body}
</body></html>`);
  }
  return dir;
}

test('pages end to end: passes, a failure, an uncaught exception, a page that cannot finish, one that never returns', async () => {
  // a 2×1 PNG, left red, right opaque blue
  const png = encodePng(new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1);
  const dir = selfTestSuite({
    'passes.html': `<script>description("three passing assertions");
      shouldBe("1 + 1", "2"); shouldBeTrue("true"); shouldBeNull("null");
      var successfullyParsed = true;</script><script src="../../resources/js-test-post.js"></script>`,
    'fails.html': `<script>shouldBe("1 + 1", "3"); shouldBe("2", "2"); finishTest();</script>`,
    'throws.html': `<script>shouldBe("2", "2"); undefinedFunction(); </script><script>finishTest();</script>`,
    'never-finishes.html': `<script>shouldBe("2", "2"); setTimeout(function () { shouldBe("3", "3"); }, 10);</script>`,
    'hangs.html': `<script>shouldBe("2", "2"); for (;;) {}</script>`,
    // what the video pages do when no format decodes: finish at once, having checked nothing but js-test-post's successfullyParsed
    'checks-nothing.html': `<script>var successfullyParsed = true; finishTest();</script>`,
    // WebGL through the page's canvas: shaders from <script> elements by id, an image from a file
    'draws.html': `<script id="vs" type="x-vertex">attribute vec2 p; varying vec2 t; void main() { t = p * 0.5 + 0.5; gl_Position = vec4(p, 0, 1); }</script>
      <script id="fs" type="x-fragment">precision mediump float; uniform sampler2D s; varying vec2 t; void main() { gl_FragColor = texture2D(s, t); }</script>
      <script>
      var wtu = WebGLTestUtils;
      var gl = wtu.create3DContext("c");
      shouldBeTrue("gl.canvas === document.getElementById('c')");
      shouldBe("gl.drawingBufferWidth", "2");
      var img = new Image();
      img.onload = function () {
        var program = wtu.setupProgram(gl, ["vs", "fs"], ["p"]);
        wtu.setupUnitQuad(gl, 0);
        var tex = gl.createTexture();
        gl.bindTexture(gl.TEXTURE_2D, tex);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
        gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, img);
        wtu.drawUnitQuad(gl);
        wtu.checkCanvasRect(gl, 0, 0, 1, 2, [255, 0, 0, 255], "left column red");
        wtu.checkCanvasRect(gl, 1, 0, 1, 2, [0, 0, 255, 255], "right column blue");
        wtu.glErrorShouldBe(gl, gl.NO_ERROR, "no errors");
        finishTest();
      };
      img.src = "data:image/png;base64,${Buffer.from(png).toString('base64')}";
      </script>`,
    // an <img> of an SVG document (the svg_image pages' red-green.svg): rasterised at its intrinsic size
    'svg-image.html': `<script>
      var img = new Image();
      img.onload = function () {
        shouldBe("img.naturalWidth", "2"); shouldBe("img.naturalHeight", "2");
        var c = document.createElement("canvas"); c.width = 2; c.height = 2;
        var ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
        window.d = ctx.getImageData(0, 0, 2, 2).data;
        // row 0 the first rect (#f00), row 1 the second (#0f0), both opaque
        shouldBe("Array.prototype.join.call(d, ',')", "'255,0,0,255,255,0,0,255,0,255,0,255,0,255,0,255'");
        finishTest();
      };
      img.onerror = function () { testFailed("the SVG image did not load"); finishTest(); };
      img.src = "data:image/svg+xml," + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect fill="#f00" width="2" height="1"/><rect fill="#0f0" y="1" width="2" height="1"/></svg>');
      </script>`,
    // a page that rewrites its own intrinsics, as conformance/more's quickCheckAPI.js does: Akari runs on its
    // own, and what it returns behaves as the page's (sequences are the page's arrays, typed arrays and
    // interface prototypes are instances of what the page calls Float32Array and Object)
    'own-realm.html': `<script>
      Array.from = function (o) { return ['not', 'a', 'copy']; };
      Array.prototype.has = function (v) { return this.indexOf(v) != -1; };
      var gl = WebGLTestUtils.create3DContext("c");
      var vs = gl.createShader(gl.VERTEX_SHADER);
      gl.shaderSource(vs, "attribute vec4 p; void main() { gl_Position = p; }"); gl.compileShader(vs);
      var fs = gl.createShader(gl.FRAGMENT_SHADER);
      gl.shaderSource(fs, "void main() { gl_FragColor = vec4(0.0, 1.0, 0.0, 1.0); }"); gl.compileShader(fs);
      var prog = gl.createProgram(); gl.attachShader(prog, vs); gl.attachShader(prog, fs); gl.linkProgram(prog);
      shouldBeTrue("gl.getAttachedShaders(prog).has(fs)");
      shouldBeTrue("gl.getParameter(gl.VIEWPORT) instanceof Int32Array");
      shouldBeTrue("Object.getPrototypeOf(WebGLRenderingContext.prototype) === Object.prototype");
      gl.useProgram(prog);
      var buf = gl.createBuffer(); gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
      WebGLTestUtils.checkCanvas(gl, [0, 255, 0, 255], "the draw after the page replaced Array.from");
      WebGLTestUtils.glErrorShouldBe(gl, gl.NO_ERROR, "no errors");
      finishTest();
      </script>`,
  });
  try {
    const run = await runSuite({ suite: dir, version: '1.0.3', jobs: 2, timeoutMs: 8000, progress: false });
    const r = run.results;
    assert.equal(r['conformance/t/passes.html']!.outcome, 'pass');
    // js-test-post.js adds its own shouldBeTrue("successfullyParsed")
    assert.equal(r['conformance/t/passes.html']!.passed, 4);
    assert.equal(r['conformance/t/fails.html']!.outcome, 'fail');
    assert.deepEqual([r['conformance/t/fails.html']!.passed, r['conformance/t/fails.html']!.failed], [2, 1]); // 2 == 2, then successfullyParsed
    assert.match(r['conformance/t/fails.html']!.messages![0]!, /1 \+ 1 should be 3/);
    assert.equal(r['conformance/t/throws.html']!.outcome, 'fail');
    assert.equal(r['conformance/t/throws.html']!.errors, 1);
    assert.match(r['conformance/t/throws.html']!.messages!.join('\n'), /uncaught: ReferenceError: undefinedFunction is not defined/);
    assert.equal(r['conformance/t/never-finishes.html']!.outcome, 'fail');
    assert.match(r['conformance/t/never-finishes.html']!.detail, /did not finish \(nothing left to run\)/);
    assert.equal(r['conformance/t/never-finishes.html']!.passed, 2); // the timer's assertion ran before the page went idle
    assert.equal(r['conformance/t/hangs.html']!.outcome, 'timeout');
    assert.equal(r['conformance/t/checks-nothing.html']!.outcome, 'skip', JSON.stringify(r['conformance/t/checks-nothing.html']));
    assert.equal(r['conformance/t/checks-nothing.html']!.passed, 1);
    assert.equal(r['conformance/t/draws.html']!.outcome, 'pass', JSON.stringify(r['conformance/t/draws.html']));
    // 2 shouldBe + 2 checkCanvasRect + glErrorShouldBe + successfullyParsed
    assert.equal(r['conformance/t/draws.html']!.passed, 6);
    assert.equal(r['conformance/t/own-realm.html']!.outcome, 'pass', JSON.stringify(r['conformance/t/own-realm.html']));
    // 3 shouldBeTrue + checkCanvas + glErrorShouldBe, then finishTest's successfullyParsed
    assert.equal(r['conformance/t/own-realm.html']!.passed, 6);
    assert.equal(r['conformance/t/svg-image.html']!.outcome, 'pass', JSON.stringify(r['conformance/t/svg-image.html']));
    // two sizes, the pixels, successfullyParsed
    assert.equal(r['conformance/t/svg-image.html']!.passed, 4);
    const t = tally(r).total;
    assert.deepEqual([t.pages, t.pass, t.fail, t.timeout, t.skip], [9, 4, 3, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Khronos pages from the vendored subset: assertion counts read off their source', async () => {
  const run = await runSuite({
    suite: FIXTURE, version: '1.0.3', jobs: 2, timeoutMs: 60000, progress: false,
    pages: ['conformance/buffers/buffer-bind-test.html', 'conformance/more/functions/bufferData.html'],
  });
  // buffer-bind-test: testPassed("context exists"), six glErrorShouldBe, then js-test-post's successfullyParsed
  assert.deepEqual(pick(run.results['conformance/buffers/buffer-bind-test.html']!), { outcome: 'pass', passed: 8, failed: 0, errors: 0 });
  // bufferData (conformance/more, unit.js): one report per Tests.test* function, two of them
  assert.deepEqual(pick(run.results['conformance/more/functions/bufferData.html']!), { outcome: 'pass', passed: 2, failed: 0, errors: 0 });
});

test('a page of the vendored WebGL 2.0.0 subset runs on a WebGL 2 context (?webglVersion=2, as the suite\'s harness passes it)', async () => {
  const run = await runSuite({
    suite: new URL('../../../test/fixtures/webgl2-cts', import.meta.url).pathname, version: '2.0.0', jobs: 1, timeoutMs: 60000, progress: false,
    pages: ['conformance2/context/context-type-test-2.html'],
  });
  // two assertMsg on window's interfaces, testPassed("context exists") from create3DContext(canvas, null, 2) giving a
  // context, assertMsg(gl instanceof WebGL2RenderingContext), then js-test-post's successfullyParsed
  assert.deepEqual(pick(run.results['conformance2/context/context-type-test-2.html']!), { outcome: 'pass', passed: 5, failed: 0, errors: 0 });
});

const pick = (r: { outcome: string; passed?: number; failed?: number; errors?: number }) => ({ outcome: r.outcome, passed: r.passed, failed: r.failed, errors: r.errors });

test('every skipped page names its reason', () => {
  for (const [page, why] of Object.entries(SKIPPED)) {
    assert.match(page, /^conformance\/.*\.html$/);
    assert.match(why, /^needs /);
  }
});
