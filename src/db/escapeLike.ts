/** Makes `%`, `_` and `\` in user input match themselves inside a LIKE pattern. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
