/**
 * The contract between the GLSL compiler and the GL driver: what a compiled
 * and linked program gives the driver to pack SHADER descriptors and upload
 * uniforms. The compiler (src/umd/compiler/) implements `compileShader` and
 * `linkProgram`; the WebGL layer (src/webgl/) consumes them.
 *
 * Conventions with the hardware (hwdesc/isa.ts):
 *  - vertex attributes: `ld_attr rX, attrN.c` where N is the attribute's slot
 *    (the driver binds generic vertex attribute `location` to slot N = location);
 *  - vertex outputs: st_vary v0..v3 = gl_Position, v4 = gl_PointSize,
 *    v8 + k = scalar varying slot k; the fragment shader reads ld_vary v8 + k;
 *  - uniforms: the driver writes every active uniform of a stage into that
 *    stage's uniform buffer as 32-bit words (floats as IEEE bits, ints and
 *    bools as integers unless `uniform.words` says float); `offset` is the
 *    word index of element 0, `stride` the words between array elements;
 *  - samplers: a sampler uniform's value (texture unit) is resolved by the
 *    driver to a TEXTURE descriptor in slot `textureSlot` of that stage's table;
 *  - fragment outputs: st_out rt0.* = gl_FragColor / gl_FragData[0]; depth = gl_FragDepth;
 *  - uniform blocks: each stage's `uniformBlocks` name the ranges of its uniform buffer that the
 *    hardware fills from the buffer bound to each block (std140 data, std140.ts), so the driver
 *    writes nothing there.
 */

export type Stage = 'vertex' | 'fragment';

export interface CompiledShader {
  readonly stage: Stage;
  readonly ok: boolean;
  /** driver-style info log, `ERROR: 0:LINE:COL: message` lines */
  readonly infoLog: string;
  /** opaque to the driver; consumed by linkProgram */
  readonly internal?: unknown;
}

export interface ActiveAttribute {
  readonly name: string;
  /** GL type enum (FLOAT_VEC4 = 0x8B52 ...) */
  readonly type: number;
  readonly size: number;
  /** ATTRIBUTE descriptor slot the vertex shader reads (after bindAttribLocation / automatic assignment) */
  readonly slot: number;
  /**
   * A desktop GLSL conventional attribute (gl_Vertex, gl_Color, gl_Normal, gl_MultiTexCoordN...):
   * the driver feeds it from the fixed-function vertex arrays and current values, never from a
   * generic attribute, and does not expose it through the API (as Mesa's VERT_ATTRIB_POS/COLOR0...).
   */
  readonly conventional?: true;
}

export interface UniformPlacement {
  /** word index of element 0 in the stage's uniform buffer */
  readonly offset: number;
  /** words between consecutive array elements */
  readonly stride: number;
  /** for samplers: first TEXTURE descriptor slot in the stage's table */
  readonly textureSlot?: number;
}

export interface ActiveUniform {
  /** as getActiveUniform reports it: `s.f`, `arr[0]` */
  readonly name: string;
  readonly type: number;
  readonly size: number;
  readonly vertex?: UniformPlacement;
  readonly fragment?: UniformPlacement;
  /**
   * The value the uniform takes when the program links (GLSL 1.20 initializer): `size` elements
   * of the type's components (matrices column-major, bools 1/0). Absent: every component is 0.
   */
  readonly initial?: readonly number[];
  /**
   * A built-in uniform (gl_ModelViewProjectionMatrix, gl_DepthRange.near...) placed like any
   * other but whose value is GL state: the driver writes it at draw time and does not expose it
   * through the API (Mesa's state references, STATE_MVP_MATRIX...).
   */
  readonly driverState?: true;
  /**
   * A member of a GLSL ES 3.00 uniform block: no location, no words in the default uniform
   * buffer; its value is in the buffer bound to the block (getActiveUniforms' block queries).
   */
  readonly block?: {
    /** index into LinkedProgram.uniformBlocks (a block array: its element 0) */
    readonly index: number;
    /** std140 byte offset of element 0 from the block's start */
    readonly offset: number;
    readonly arrayStride: number;
    readonly matrixStride: number;
    readonly rowMajor: boolean;
  };
}

/** An active uniform block of a program (ES 3.0 § 2.12.6): each element of a block array is one. */
export interface ActiveUniformBlock {
  /** `Name`, or `Name[i]` for element i of a block array */
  readonly name: string;
  /** UNIFORM_BLOCK_DATA_SIZE: bytes the bound range must hold */
  readonly dataSize: number;
  /** indices into LinkedProgram.uniforms of its members */
  readonly uniforms: readonly number[];
  readonly vertex: boolean;
  readonly fragment: boolean;
}

/**
 * A uniform block a stage reads: the hardware preloads `words` words from the buffer range bound
 * to program block `block` into the stage's uniform buffer at word `uniform` (a SHADER
 * UNIFORM_RANGE), before the shader runs.
 */
export interface StageUniformBlock {
  readonly block: number;
  readonly uniform: number;
  readonly words: number;
}

export interface StageBinary {
  /** machine code, two words per instruction */
  readonly code: Uint32Array;
  readonly registers: number;
  /** uniform buffer size in words */
  readonly uniformWords: number;
  /** constant words the compiler placed in the uniform buffer: [offset, bits] */
  readonly constants: ReadonlyArray<readonly [number, number]>;
  readonly textureCount: number;
  readonly varyings: number;
  readonly writesDepth: boolean;
  /**
   * fragment stage: the render targets the shader writes (bit i: an `st_out rt<i>`). A draw leaves
   * the others alone (a draw buffer the program has no output for keeps its contents, as WebGL 2
   * implementations do for ES 3.0 § 3.9.2's undefined values).
   */
  readonly renderTargets: number;
  readonly usesDiscard: boolean;
  readonly writesPointSize: boolean;
  readonly usesDerivatives: boolean;
  /** user clip distances the vertex shader writes (from gl_ClipVertex), in varying slots clipFirst.. */
  readonly clipDistances: number;
  readonly clipFirst: number;
  /** scalar varying slots 0.. holding the built-in colours (flat-shaded under glShadeModel(GL_FLAT)) */
  readonly colorVaryings: number;
  /** flat scalar varying slots as a bit mask: [slots 0..31, slots 32..63] (SHADER flat_lo, flat_hi) */
  readonly flatVaryings: readonly [number, number];
  /** the uniform blocks this stage reads */
  readonly uniformBlocks: readonly StageUniformBlock[];
}

export interface LinkedProgram {
  readonly ok: boolean;
  readonly infoLog: string;
  readonly vertex?: StageBinary;
  readonly fragment?: StageBinary;
  readonly attributes: readonly ActiveAttribute[];
  readonly uniforms: readonly ActiveUniform[];
  /** GLSL ES 3.00 uniform blocks (absent: none) */
  readonly uniformBlocks?: readonly ActiveUniformBlock[];
  /** the transform feedback varyings linked (LinkOptions.transformFeedback; absent: none) */
  readonly transformFeedback?: LinkedTransformFeedback;
}

/**
 * A captured vertex output (ES 3.0 § 2.11.8), as getTransformFeedbackVarying reports it (`name`
 * as requested, the element's GL `type`, `size` elements) and as the hardware captures it
 * (hwdesc XFB_OUTPUT): `components` words of vertex output `source` and on, in the ISA's varying
 * numbering (v0..v3 gl_Position, v4 gl_PointSize, v8 + k scalar slot k).
 */
export interface TransformFeedbackVarying {
  readonly name: string;
  readonly type: number;
  readonly size: number;
  readonly source: number;
  readonly components: number;
}

/** The varyings transform feedback captures, in order: interleaved into buffer 0, or varying i into buffer i (`separate`). */
export interface LinkedTransformFeedback {
  readonly varyings: readonly TransformFeedbackVarying[];
  readonly separate: boolean;
}

export interface LinkOptions {
  /** bindAttribLocation calls made before linking */
  readonly attribLocations?: ReadonlyMap<string, number>;
  readonly maxVertexAttribs?: number;
  /** OpenGL and ES 2.0 let two attributes share a location (aliasing); WebGL and GLSL ES 3.00 make it a link error */
  readonly attributeAliasing?: boolean;
  /** transformFeedbackVaryings' request: the names, and SEPARATE_ATTRIBS (else INTERLEAVED_ATTRIBS) */
  readonly transformFeedback?: { readonly varyings: readonly string[]; readonly separate: boolean };
}
