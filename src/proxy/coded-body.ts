// A content-encoded body opened for the redactor: decoded to be read, and stored back in the coding it came in.
import { contentCoding, decodeCoding, encodeContentEncoding, type HeaderList } from '../store/index.js';

/** A body that came content-encoded (gzip, deflate, br, or a coding not known here). */
export interface CodedBody {
  /** what the redactor and the Bayeux reader read: the body decoded; null if it could not be */
  content: Buffer | null;
  /**
   * The body could not be decoded (a coding not known here, bytes that do not decode, content past the cap)
   * while secrets are redacted: nothing in it could be checked, so nothing of it is stored.
   */
  isWithheld: boolean;
  /** What to store, given what the redactor made of `content` and whether it redacted anything. */
  stored(redacted: Buffer | null, isRedacted: boolean): Buffer | null;
}

/**
 * Opens `body` if its headers give it a Content-Encoding; null if they do not (or it is empty), and then the
 * body is read and stored as it is. The recorder asks upstreams for identity encoding, but a server may encode
 * anyway and a client may send an encoded body: without this, what they hold would reach the disk unredacted.
 * A body the redactor left alone is stored as it came; a redacted one in its coding again, so that readers
 * decode it as its headers say. `maxBytes` caps the decoded content.
 */
export const openCodedBody = (
  body: Buffer | null,
  headers: HeaderList | null,
  options: { isCut: boolean; isRedacting: boolean; maxBytes: number },
): CodedBody | null => {
  if (!body || body.length === 0) return null;
  const coding = contentCoding(headers);
  if (coding === undefined) return null;
  let content: Buffer | null = null;
  try {
    content = decodeCoding(body, coding, { isCut: options.isCut, maxBytes: options.maxBytes });
  } catch {
    // not what the header says, or past the cap: as unreadable as a coding not known here
  }
  if (content === null) {
    return options.isRedacting
      ? { content: null, isWithheld: true, stored: () => null }
      : { content: body, isWithheld: false, stored: () => body };
  }
  return {
    content,
    isWithheld: false,
    stored: (redacted, isRedacted) => {
      if (!isRedacted) return body;
      return redacted === null ? null : encodeContentEncoding(redacted, coding);
    },
  };
};
