// Makes untrusted text (names, URLs, ids, messages from a recording) safe to print on a terminal.

// C0 controls (newline too: a recorded string never gets to break a line), DEL, C1 controls (0x9b is an 8-bit
// CSI), and the bidirectional embeddings, overrides and isolates that reorder what follows them on screen
// (Trojan Source, CVE-2021-42574).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on, rather than show, replaced by `?`. */
export const printable = (text: string): string => text.replace(UNPRINTABLE, '?');
