// three.js ships no type declarations for 0.162; the test uses it untyped.
declare module 'three';
// three.js r170 (WebGL 2 only), installed as the alias three-r170 beside 0.162
declare module 'three-r170';
