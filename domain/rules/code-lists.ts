/**
 * The code lists the EN 16931 rules check values against (UN/CEFACT, ISO), as the CEN validation artefacts list them:
 * kept here for the modules that import them by this name; the lists live in code-lists/, one module per family.
 */
export * from './code-lists/index';
