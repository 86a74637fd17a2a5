/** A code list written as its codes separated by white space (compact to keep and to compare), built once. */
export const codeSet = (codes: string): ReadonlySet<string> => new Set(codes.trim().split(/\s+/));

/** Another syntax's edition of a list: `base` with some codes added and some left out. */
export const editedCodeSet = (
  base: ReadonlySet<string>,
  changes: { add?: string; remove?: string },
): ReadonlySet<string> => {
  const edited = new Set(base);
  for (const code of codeSet(changes.add ?? '')) if (code) edited.add(code);
  for (const code of codeSet(changes.remove ?? '')) if (code) edited.delete(code);
  return edited;
};
