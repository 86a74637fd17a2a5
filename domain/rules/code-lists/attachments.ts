/**
 * MIME codes allowed for attached documents (BT-125, BR-CL-24), as the CEN EN 16931 validation artefacts
 * 1.3.16 list them.
 */

/** The attachment MIME types EN 16931 allows, CEN EN 16931 validation artefacts 1.3.16. */
export const MIME_CODES: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.spreadsheet',
]);
