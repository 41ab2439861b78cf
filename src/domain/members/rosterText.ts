/**
 * A roster file's text as pieces, so that a file of a hundred megabytes is never decoded, parsed, checked
 * or stored in one go: each step handles a piece and then lets the event loop answer other requests
 * (issue 9 item 8: one 99 MB import used to hold the server for over a minute).
 */
export type RosterText = string | Iterable<string> | AsyncIterable<string>;

/** Resolves on the event loop's next turn, after pending I/O callbacks have run. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Pieces cut from a whole string (the command line reads the file at once): small enough to parse between
// two turns of the event loop.
const STRING_PIECE = 256 * 1024;

/** The text piece by piece, whatever form it came in. */
export async function* rosterPieces(text: RosterText): AsyncGenerator<string> {
  if (typeof text !== 'string') {
    yield* text;
    return;
  }
  for (let start = 0; start < text.length; start += STRING_PIECE) {
    yield text.slice(start, start + STRING_PIECE);
  }
}
