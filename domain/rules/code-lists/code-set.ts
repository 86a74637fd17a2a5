/** A code list written as its codes separated by white space (compact to keep and to compare), built once. */
export const codeSet = (codes: string): ReadonlySet<string> => new Set(codes.trim().split(/\s+/));
