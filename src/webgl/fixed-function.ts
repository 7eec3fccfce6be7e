/**
 * Fixed-function vertex and fragment processing as shaders, the way Mesa's ffvertex_prog.c and
 * its fixed-function fragment program do: when a program of a compatibility context has no
 * vertex (or fragment) shader, the driver links in one generated from the GL state and compiled
 * by the same compiler.
 *
 * The state Akari's compatibility context models is GL's initial fixed-function state: lighting,
 * texture-coordinate generation, fog, colour sum and texturing disabled. For it, vertex
 * processing is the transform and the pass-through of colours and texture coordinates, and
 * fragment processing outputs the interpolated primary colour.
 */
import { MAX_TEXTURE_COORDS } from './compat.js';

/** GL 2.1 §2.11-§2.14 with lighting and texgen off; varyings the fragment stage does not read cost nothing once linked. */
export function fixedFunctionVertexSource(): string {
  const lines = [
    '#version 110',
    'void main()',
    '{',
    '  gl_Position = ftransform();',
    // user clip planes are in eye coordinates (GL 2.1 §2.12)
    '  gl_ClipVertex = gl_ModelViewMatrix * gl_Vertex;',
    '  gl_FrontColor = gl_Color;',
    '  gl_FrontSecondaryColor = gl_SecondaryColor;',
  ];
  for (let i = 0; i < MAX_TEXTURE_COORDS; i++) lines.push(`  gl_TexCoord[${i}] = gl_TextureMatrix[${i}] * gl_MultiTexCoord${i};`);
  // fog coordinate source FRAGMENT_DEPTH: the eye-space distance approximated by |z_eye| (GL 2.1 §3.10)
  lines.push('  gl_FogFragCoord = abs((gl_ModelViewMatrix * gl_Vertex).z);', '}', '');
  return lines.join('\n');
}

/** GL 2.1 §3.8-§3.10 with texturing, colour sum and fog off: the primary colour. */
export function fixedFunctionFragmentSource(): string {
  return '#version 110\nvoid main()\n{\n  gl_FragColor = gl_Color;\n}\n';
}
