import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd, formatInfoLog } from '../../src/umd/compiler/glsl/index.js';
import type * as A from '../../src/umd/compiler/glsl/ast.js';

function ok(src: string, stage: 'vertex' | 'fragment', opts = {}) {
  const r = compileFrontEnd(src, stage, opts);
  assert.equal(r.ok, true, `expected success, got:\n${r.infoLog}`);
  return r;
}

/** Walk every expression of the typed AST. */
function forEachExpr(unit: A.TranslationUnit, fn: (e: A.Expr) => void): void {
  const ex = (e: A.Expr | undefined): void => {
    if (!e) return;
    fn(e);
    switch (e.kind) {
      case 'Binary': ex(e.left); ex(e.right); break;
      case 'Unary': case 'Update': ex(e.operand); break;
      case 'Assign': ex(e.target); ex(e.value); break;
      case 'Ternary': ex(e.condition); ex(e.then); ex(e.else); break;
      case 'Sequence': e.expressions.forEach(ex); break;
      case 'Index': ex(e.base); ex(e.index); break;
      case 'Field': case 'Length': ex(e.base); break;
      case 'Call': e.args.forEach(ex); break;
      default: break;
    }
  };
  const st = (s: A.Statement | undefined): void => {
    if (!s) return;
    switch (s.kind) {
      case 'Block': s.body.forEach(st); break;
      case 'Declaration': if (s.declaration.kind === 'VarDeclaration') s.declaration.declarators.forEach((d) => ex(d.init)); break;
      case 'ExpressionStatement': ex(s.expression); break;
      case 'If': ex(s.condition); st(s.then); st(s.else); break;
      case 'For': st(s.init); ex(s.condition); ex(s.update); st(s.body); break;
      case 'While': ex(s.condition); st(s.body); break;
      case 'DoWhile': st(s.body); ex(s.condition); break;
      case 'Return': ex(s.value); break;
      default: break;
    }
  };
  for (const d of unit.declarations) {
    if (d.kind === 'FunctionDeclaration') st(d.body);
    else if (d.kind === 'VarDeclaration') d.declarators.forEach((x) => ex(x.init));
  }
}

const PHONG_VERT = `
#define PHONG
precision highp float;
precision highp int;
uniform mat4 modelMatrix;
uniform mat4 modelViewMatrix;
uniform mat4 projectionMatrix;
uniform mat3 normalMatrix;
uniform vec3 cameraPosition;
attribute vec3 position;
attribute vec3 normal;
attribute vec2 uv;
varying vec3 vViewPosition;
varying vec3 vNormal;
varying vec2 vUv;
#ifdef USE_SKINNING
uniform mat4 bindMatrix;
#endif
vec3 transformDirection( in vec3 dir, in mat4 matrix ) {
  return normalize( ( matrix * vec4( dir, 0.0 ) ).xyz );
}
void main() {
  vUv = uv;
  vec3 objectNormal = vec3( normal );
  vec3 transformedNormal = normalMatrix * objectNormal;
  vNormal = normalize( transformedNormal );
  vec3 transformed = vec3( position );
  vec4 mvPosition = modelViewMatrix * vec4( transformed, 1.0 );
  gl_Position = projectionMatrix * mvPosition;
  vViewPosition = - mvPosition.xyz;
  gl_PointSize = 1.0;
}
`;

const PHONG_FRAG = `
#define PHONG
#define NUM_POINT_LIGHTS 2
#define NUM_DIR_LIGHTS 1
#define RECIPROCAL_PI 0.3183098861837907
#define saturate(a) clamp( a, 0.0, 1.0 )
precision mediump float;
precision mediump int;
uniform vec3 diffuse;
uniform vec3 emissive;
uniform vec3 specular;
uniform float shininess;
uniform float opacity;
uniform sampler2D map;
uniform vec3 ambientLightColor;
varying vec3 vViewPosition;
varying vec3 vNormal;
varying vec2 vUv;
struct IncidentLight { vec3 color; vec3 direction; bool visible; };
struct ReflectedLight { vec3 directDiffuse; vec3 directSpecular; vec3 indirectDiffuse; vec3 indirectSpecular; };
struct GeometricContext { vec3 position; vec3 normal; vec3 viewDir; };
struct PointLight { vec3 position; vec3 color; float distance; float decay; };
uniform PointLight pointLights[ NUM_POINT_LIGHTS ];
struct DirectionalLight { vec3 direction; vec3 color; };
uniform DirectionalLight directionalLights[ NUM_DIR_LIGHTS ];
struct BlinnPhongMaterial { vec3 diffuseColor; vec3 specularColor; float specularShininess; float specularStrength; };
float punctualLightIntensityToIrradianceFactor( const in float lightDistance, const in float cutoffDistance, const in float decayExponent ) {
  if ( decayExponent > 0.0 ) {
    return pow( saturate( -lightDistance / cutoffDistance + 1.0 ), decayExponent );
  }
  return 1.0;
}
void getPointDirectLightIrradiance( const in PointLight pointLight, const in GeometricContext geometry, out IncidentLight directLight ) {
  vec3 lVector = pointLight.position - geometry.position;
  directLight.direction = normalize( lVector );
  float lightDistance = length( lVector );
  directLight.color = pointLight.color;
  directLight.color *= punctualLightIntensityToIrradianceFactor( lightDistance, pointLight.distance, pointLight.decay );
  directLight.visible = ( directLight.color != vec3( 0.0 ) );
}
vec3 BRDF_Diffuse_Lambert( const in vec3 diffuseColor ) { return RECIPROCAL_PI * diffuseColor; }
float D_BlinnPhong( const in float shininess, const in float dotNH ) {
  return RECIPROCAL_PI * ( shininess * 0.5 + 1.0 ) * pow( dotNH, shininess );
}
void RE_Direct_BlinnPhong( const in IncidentLight directLight, const in GeometricContext geometry, const in BlinnPhongMaterial material, inout ReflectedLight reflectedLight ) {
  float dotNL = saturate( dot( geometry.normal, directLight.direction ) );
  vec3 irradiance = dotNL * directLight.color;
  reflectedLight.directDiffuse += irradiance * BRDF_Diffuse_Lambert( material.diffuseColor );
  vec3 halfDir = normalize( directLight.direction + geometry.viewDir );
  float dotNH = saturate( dot( geometry.normal, halfDir ) );
  reflectedLight.directSpecular += irradiance * material.specularColor * D_BlinnPhong( material.specularShininess, dotNH ) * material.specularStrength;
}
void main() {
  vec4 diffuseColor = vec4( diffuse, opacity );
  ReflectedLight reflectedLight = ReflectedLight( vec3( 0.0 ), vec3( 0.0 ), vec3( 0.0 ), vec3( 0.0 ) );
  vec3 totalEmissiveRadiance = emissive;
  vec4 texelColor = texture2D( map, vUv );
  diffuseColor *= texelColor;
  float specularStrength = 1.0;
  vec3 normal = normalize( vNormal );
  normal = normal * ( float( gl_FrontFacing ) * 2.0 - 1.0 );
  BlinnPhongMaterial material;
  material.diffuseColor = diffuseColor.rgb;
  material.specularColor = specular;
  material.specularShininess = shininess;
  material.specularStrength = specularStrength;
  GeometricContext geometry;
  geometry.position = - vViewPosition;
  geometry.normal = normal;
  geometry.viewDir = normalize( vViewPosition );
  IncidentLight directLight;
  PointLight pointLight;
  for ( int i = 0; i < NUM_POINT_LIGHTS; i ++ ) {
    pointLight = pointLights[ i ];
    getPointDirectLightIrradiance( pointLight, geometry, directLight );
    if ( directLight.visible ) RE_Direct_BlinnPhong( directLight, geometry, material, reflectedLight );
  }
  for ( int i = 0; i < NUM_DIR_LIGHTS; i ++ ) {
    directLight.color = directionalLights[ i ].color;
    directLight.direction = directionalLights[ i ].direction;
    directLight.visible = true;
    RE_Direct_BlinnPhong( directLight, geometry, material, reflectedLight );
  }
  reflectedLight.indirectDiffuse += ambientLightColor * BRDF_Diffuse_Lambert( diffuseColor.rgb );
  vec3 outgoingLight = reflectedLight.directDiffuse + reflectedLight.indirectDiffuse + reflectedLight.directSpecular + reflectedLight.indirectSpecular + totalEmissiveRadiance;
  gl_FragColor = vec4( outgoingLight, diffuseColor.a );
  gl_FragColor.rgb = pow( gl_FragColor.rgb, vec3( 1.0 / 2.2 ) );
}
`;

test('three.js-style phong vertex shader compiles with reflection', () => {
  const r = ok(PHONG_VERT, 'vertex');
  assert.equal(r.version, 100);
  const refl = r.reflection!;
  assert.deepEqual(refl.attributes.map((a) => [a.name, a.type]), [['position', 'vec3'], ['normal', 'vec3'], ['uv', 'vec2']]);
  assert.deepEqual(refl.varyings.map((v) => v.name), ['vViewPosition', 'vNormal', 'vUv']);
  assert.deepEqual(refl.builtinsWritten, ['gl_PointSize', 'gl_Position']);
  assert.ok(refl.uniforms.some((u) => u.name === 'normalMatrix' && u.type === 'mat3'));
});

test('three.js-style phong fragment shader compiles; struct-array uniforms are flattened', () => {
  const r = ok(PHONG_FRAG, 'fragment');
  const names = r.reflection!.uniforms.map((u) => u.name);
  assert.ok(names.includes('pointLights[0].position'));
  assert.ok(names.includes('pointLights[1].decay'));
  assert.ok(names.includes('directionalLights[0].color'));
  assert.ok(names.includes('map'));
  assert.deepEqual(r.reflection!.builtinsRead, ['gl_FragColor', 'gl_FrontFacing']);
  assert.deepEqual(r.reflection!.builtinsWritten, ['gl_FragColor']);
});

test('typed AST: every expression typed, identifiers resolved, builtin overloads chosen', () => {
  const r = ok(PHONG_FRAG, 'fragment');
  const shader = r.ast!;
  let count = 0;
  forEachExpr(shader.unit, (e) => {
    count++;
    assert.ok(e.type, `untyped ${e.kind} at ${e.loc.line}:${e.loc.column}`);
    if (e.kind === 'Identifier') assert.ok(e.symbol, `unresolved ${e.name}`);
    if (e.kind === 'Call') {
      assert.ok(e.callKind);
      if (e.callKind === 'builtin') assert.ok(e.builtin?.id);
      if (e.callKind === 'user') assert.ok(e.function?.definition);
    }
  });
  assert.ok(count > 200);
  const ids = new Set<string>();
  forEachExpr(shader.unit, (e) => {
    if (e.kind === 'Call' && e.builtin) ids.add(e.builtin.id);
  });
  assert.ok(ids.has('texture2D(sampler2D,vec2)'));
  assert.ok(ids.has('clamp(float,float,float)'));
  assert.ok(ids.has('pow(vec3,vec3)'));
  assert.equal(shader.main?.name, 'main');
  const loops: A.ForStatement[] = [];
  const mainBody = shader.main!.definition!.body!;
  for (const s of mainBody.body) if (s.kind === 'For') loops.push(s);
  assert.deepEqual(loops.map((l) => [l.loopInfo?.start, l.loopInfo?.op, l.loopInfo?.limit, l.loopInfo?.step]), [
    [0, '<', 2, 1],
    [0, '<', 1, 1],
  ]);
});

test('constant folding of const declarations, constructors, built-ins, swizzles', () => {
  const src = `
precision mediump float;
const float PI = 3.0 + 0.14159;
const vec3 V = vec3(1.0, 2.0, 3.0);
const int N = 2 * 3 + 1;
const float L = length(vec2(3.0, 4.0));
const mat2 M = mat2(2.0);
const vec2 MV = M * vec2(1.0, 2.0);
const float S = V.zyx.x;
uniform float arr[N];
void main() { gl_FragColor = vec4(PI, S, L, MV.y + arr[N - 1]); }
`;
  const r = ok(src, 'fragment');
  const byName = new Map(r.ast!.globals.map((g) => [g.name, g]));
  assert.ok(Math.abs(byName.get('PI')!.constValue!.data[0]! - 3.14159) < 1e-9);
  assert.deepEqual(byName.get('N')!.constValue!.data, [7]);
  assert.deepEqual(byName.get('L')!.constValue!.data, [5]);
  assert.deepEqual(byName.get('M')!.constValue!.data, [2, 0, 0, 2]);
  assert.deepEqual(byName.get('MV')!.constValue!.data, [2, 4]);
  assert.deepEqual(byName.get('S')!.constValue!.data, [3]);
  const arr = r.reflection!.uniforms.find((u) => u.name === 'arr[0]')!;
  assert.equal(arr.size, 7);
});

const PIGLIT_VS = `#version 110
uniform vec4 color;
varying vec4 v;
void main()
{
  gl_Position = ftransform();
  gl_TexCoord[0] = gl_TextureMatrix[0] * gl_MultiTexCoord0;
  gl_FrontColor = gl_Color * color;
  gl_BackColor = vec4(gl_Normal, gl_FogCoord);
  v = gl_ModelViewMatrix * gl_Vertex + gl_ProjectionMatrix[0] + vec4(gl_NormalMatrix[0], 1.0);
  gl_ClipVertex = gl_ModelViewMatrix * gl_Vertex;
}
`;
const PIGLIT_FS = `#version 110
varying vec4 v;
uniform sampler2D s;
uniform sampler3D s3;
uniform sampler2DShadow sh;
void main()
{
  float x = 1.0;
  vec4 c = texture2D(s, gl_TexCoord[0].xy) + texture3D(s3, v.xyz) + shadow2D(sh, v.xyz);
  c += vec4(dFdx(x), dFdy(x), fwidth(x), gl_DepthRange.far);
  if (gl_FrontFacing) c = gl_Color; else c = gl_SecondaryColor;
  gl_FragColor = c * gl_FragCoord;
  gl_FragDepth = gl_FragCoord.z;
}
`;

test('piglit-style desktop 1.10 shaders with compatibility built-ins', () => {
  const vs = ok(PIGLIT_VS, 'vertex');
  assert.equal(vs.version, 110);
  assert.ok(vs.reflection!.builtinsRead.includes('gl_Vertex'));
  assert.ok(vs.reflection!.builtinsRead.includes('gl_MultiTexCoord0'));
  assert.ok(vs.reflection!.builtinsWritten.includes('gl_TexCoord'));
  const fs = ok(PIGLIT_FS, 'fragment');
  assert.deepEqual(fs.reflection!.builtinsWritten, ['gl_FragColor', 'gl_FragDepth']);
});

test('desktop 1.20 features: int->float conversion, transpose, outerProduct, non-square, array ctor, length()', () => {
  const src = `#version 120
uniform mat2x3 m23;
void main() {
  float f = 1;
  vec3 v = vec3(1, 2, 3) * 2;
  mat3x2 t = transpose(m23);
  mat3 o = outerProduct(vec3(1.0), vec3(2.0));
  float a[3] = float[3](1.0, 2.0, 3.0);
  float b[] = float[](4.0, 5.0);
  const int n = a.length() + b.length();
  vec3 w = m23 * vec2(1.0);
  gl_Position = vec4(v * f, float(n)) + vec4(t[0], w.xy) + vec4(o[0], 1.0);
}
`;
  const r = ok(src, 'vertex');
  assert.equal(r.version, 120);
  let sawLen = false;
  forEachExpr(r.ast!.unit, (e) => {
    if (e.kind === 'Length') {
      sawLen = true;
      assert.ok(e.constValue);
    }
  });
  assert.ok(sawLen);
  // Same conversions are errors in 1.10 and ES.
  const bad110 = compileFrontEnd('#version 110\nvoid main() { float f = 1; gl_Position = vec4(f); }', 'vertex');
  assert.equal(bad110.ok, false);
  assert.equal(bad110.diagnostics[0]!.code, 'E0003');
  const badEs = compileFrontEnd('void main() { float f = 1; gl_Position = vec4(f); }', 'vertex');
  assert.equal(badEs.ok, false);
});

test('extension-gated built-ins', () => {
  const deriv = 'precision mediump float;\nvarying vec2 uv;\nvoid main() { gl_FragColor = vec4(dFdx(uv), fwidth(uv)); }\n';
  const bad = compileFrontEnd(deriv, 'fragment');
  assert.equal(bad.ok, false);
  assert.equal(bad.diagnostics[0]!.code, 'E0026');
  const good = ok('#extension GL_OES_standard_derivatives : enable\n' + deriv, 'fragment');
  assert.deepEqual(good.reflection!.extensions, ['GL_OES_standard_derivatives']);
  ok(`#extension GL_EXT_shader_texture_lod : require
precision mediump float;
uniform sampler2D s; uniform samplerCube c; varying vec2 uv;
void main() { gl_FragColor = texture2DLodEXT(s, uv, 1.0) + texture2DGradEXT(s, uv, uv, uv) + textureCubeLodEXT(c, vec3(uv, 1.0), 0.0); }`, 'fragment');
  // texture2DLod is vertex-only in ES
  ok('uniform sampler2D s; attribute vec2 uv; void main() { gl_Position = texture2DLod(s, uv, 0.0) + textureCubeLod(sc, vec3(0.0), 1.0); }'.replace('textureCubeLod(sc, vec3(0.0), 1.0)', 'texture2DProjLod(s, vec3(uv, 1.0), 0.0)'), 'vertex');
  const lodFs = compileFrontEnd('precision mediump float; uniform sampler2D s; void main() { gl_FragColor = texture2DLod(s, vec2(0.0), 0.0); }', 'fragment');
  assert.equal(lodFs.ok, false);
  assert.equal(lodFs.diagnostics[0]!.code, 'E0004');
});

test('gl_Max constants and gl_FragData', () => {
  ok(`precision mediump float;
uniform vec4 u[gl_MaxFragmentUniformVectors - 200];
void main() { gl_FragData[0] = u[0] * float(gl_MaxDrawBuffers + gl_MaxTextureImageUnits + gl_MaxVertexAttribs + gl_MaxVaryingVectors + gl_MaxVertexUniformVectors + gl_MaxCombinedTextureImageUnits + gl_MaxVertexTextureImageUnits) * gl_DepthRange.diff; }`, 'fragment');
});

test('desktop built-in structs can be used as types', () => {
  ok(`#version 110
void main() { gl_LightSourceParameters l = gl_LightSource[0]; gl_FragColor = l.diffuse * gl_FrontMaterial.diffuse + gl_Fog.color; }`, 'fragment');
});

test('formatInfoLog matches driver style', () => {
  const log = formatInfoLog([{ severity: 'error', code: 'E0001', message: "undeclared identifier 'x'", line: 3, column: 7 }]);
  assert.equal(log, "ERROR: 0:3:7: undeclared identifier 'x'\n1 compilation error.  No code generated.\n");
});

test('reflection: flattened uniforms, sizes, precisions, referenced flags, invariance pragma', () => {
  const src = `#pragma STDGL invariant(all)
precision highp float;
struct Material { vec3 color; float shininess[2]; };
struct Light { vec4 pos; Material m; };
uniform Light lights[2];
uniform Material mat;
uniform mediump vec4 unused;
uniform mat4 bones[3];
uniform sampler2D tex;
attribute vec4 position;
attribute vec2 notUsed;
varying vec3 vColor[2];
void main() {
  vColor[0] = lights[1].m.color + mat.color;
  vColor[1] = vec3(mat.shininess[1]);
  gl_Position = bones[2] * position + texture2DLod(tex, vec2(0.0), 0.0);
}`;
  const r = ok(src, 'vertex');
  const refl = r.reflection!;
  const u = new Map(refl.uniforms.map((x) => [x.name, x]));
  assert.deepEqual([...u.keys()], [
    'lights[0].pos', 'lights[0].m.color', 'lights[0].m.shininess[0]',
    'lights[1].pos', 'lights[1].m.color', 'lights[1].m.shininess[0]',
    'mat.color', 'mat.shininess[0]', 'unused', 'bones[0]', 'tex',
  ]);
  assert.equal(u.get('lights[1].m.shininess[0]')!.size, 2);
  assert.equal(u.get('bones[0]')!.size, 3);
  assert.equal(u.get('bones[0]')!.type, 'mat4');
  assert.equal(u.get('unused')!.precision, 'mediump');
  assert.equal(u.get('unused')!.referenced, false);
  assert.equal(u.get('mat.color')!.referenced, true);
  assert.deepEqual(refl.attributes.map((a) => [a.name, a.referenced]), [['position', true], ['notUsed', false]]);
  assert.deepEqual(refl.varyings.map((v) => [v.name, v.type, v.size]), [['vColor', 'vec3', 2]]);
  assert.equal(refl.invariantAll, true);
  assert.deepEqual(refl.pragmas, ['STDGL invariant(all)']);
});

test('typed AST details: swizzles, field indices, matrix multiplies, implicit conversions', () => {
  const r = ok(`#version 120
struct S { float a; vec3 b; };
uniform S s;
uniform mat3 m;
void main() {
  vec3 v = m * s.b.zyx;
  float f = s.a + 1;
  gl_Position = vec4(v, f);
}`, 'vertex');
  const seen: string[] = [];
  const walk = (e: A.Expr): void => {
    if (e.kind === 'Field' && e.swizzle) seen.push('swz:' + e.swizzle.join(''));
    if (e.kind === 'Field' && e.fieldIndex !== undefined) seen.push('field:' + e.fieldIndex);
    if (e.kind === 'Binary' && e.isMatrixMultiply) seen.push('matmul');
    if (e.convertTo) seen.push(`conv:${e.kind}:${e.type?.tag}->${e.convertTo.tag}`);
  };
  forEachExpr(r.ast!.unit, walk);
  assert.deepEqual(seen.sort(), ['conv:Literal:scalar->scalar', 'field:0', 'field:1', 'matmul', 'swz:210'].sort());
});

test('loopInfo is recorded for canonical loops in any version, dropped when the index is modified', () => {
  const r = ok(`#version 110
uniform int n;
void main() {
  float s = 0.0;
  for (int i = 0; i < 4; i++) { s += 1.0; }
  for (int j = 8; j > 0; j -= 2) { s += 1.0; }
  for (int k = 0; k < n; k++) { s += 1.0; }
  for (int m = 0; m < 4; m++) { m += 1; }
  gl_FragColor = vec4(s);
}`, 'fragment');
  const loops = r.ast!.main!.definition!.body!.body.filter((s): s is A.ForStatement => s.kind === 'For');
  assert.deepEqual(loops.map((l) => l.loopInfo && [l.loopInfo.index.name, l.loopInfo.start, l.loopInfo.op, l.loopInfo.limit, l.loopInfo.step]), [
    ['i', 0, '<', 4, 1],
    ['j', 8, '>', 0, -2],
    undefined,
    undefined,
  ]);
});
