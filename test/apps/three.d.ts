// three.js ships no type declarations for 0.162; the test uses it untyped.
declare module 'three';
