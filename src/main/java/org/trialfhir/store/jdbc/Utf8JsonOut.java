package org.trialfhir.store.jdbc;

import java.util.Arrays;

/**
 * Compact JSON written into a growable byte array as UTF-8, for {@link LeanJsonEncoder}: the bytes Jackson's UTF-8
 * generator writes for the same events in the settings {@link ResourceCodec} uses (control characters as a backslash and
 * a letter, or a backslash, u and four upper-case hex digits; quote and backslash escaped; everything else raw; a
 * surrogate pair as its 4-byte character). Unlike a generator it can take back what it wrote since a {@link #mark()},
 * so an element can be written before knowing whether it has any content, the way HAPI's encoder drops an empty one (it
 * asks every element whether it is empty first, a walk of its subtree at every level).
 *
 * <p>An unpaired surrogate is the one string it does not write: Jackson escapes it where the codec's character path
 * writes a {@code ?}, so it is reported and the codec encodes that resource the usual way.
 */
final class Utf8JsonOut {
  /** A string with an unpaired surrogate, which only the codec's standard path writes as stored. */
  static final class UnpairedSurrogate extends RuntimeException {
    UnpairedSurrogate() {
      super("unpaired surrogate", null, false, false);
    }
  }

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Per ASCII character: 0 written as is, -1 as a six-character escape, else the letter after the backslash. */
  private static final int[] ESCAPES = new int[128];

  static {
    for (int c = 0; c < 32; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  /** A buffer grown past this by a large resource is let go at the next reset rather than kept by its thread. */
  private static final int KEPT_CAPACITY = 1 << 20;

  private final int capacity;
  private byte[] buf;
  private int len;
  /** Whether the next member or array item needs a comma before it. */
  private boolean afterValue;

  Utf8JsonOut(int capacity) {
    this.capacity = capacity;
    buf = new byte[capacity];
  }

  /** Empties the buffer for the next resource (it keeps its capacity: one buffer serves a thread's encodings). */
  void reset() {
    if (buf.length > KEPT_CAPACITY) {
      buf = new byte[capacity];
    }
    len = 0;
    afterValue = false;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Where the output stands: the length and whether a comma is due, packed in one long. */
  long mark() {
    return afterValue ? -1 - (long) len : len;
  }

  /** Takes back everything written since {@code mark}. */
  void rewind(long mark) {
    if (mark < 0) {
      len = (int) (-1 - mark);
      afterValue = true;
    } else {
      len = (int) mark;
      afterValue = false;
    }
  }

  /** Whether anything was written since {@code mark}. */
  boolean wroteSince(long mark) {
    return len != (mark < 0 ? (int) (-1 - mark) : (int) mark);
  }

  void beginObject() {
    separate();
    put((byte) '{');
    afterValue = false;
  }

  /** Opens a member's object; {@code quotedName} is the member's name with its quotes and colon, in ASCII. */
  void beginObject(byte[] quotedName) {
    name(quotedName);
    put((byte) '{');
    afterValue = false;
  }

  void endObject() {
    put((byte) '}');
    afterValue = true;
  }

  void beginArray(byte[] quotedName) {
    name(quotedName);
    put((byte) '[');
    afterValue = false;
  }

  void endArray() {
    put((byte) ']');
    afterValue = true;
  }

  /** Writes a member's name (quotes and colon included, from {@link #quotedName}). */
  void name(byte[] quotedName) {
    separate();
    ensure(quotedName.length);
    System.arraycopy(quotedName, 0, buf, len, quotedName.length);
    len += quotedName.length;
    afterValue = false;
  }

  /** A member name as written: quote, name, quote, colon. Element names are ASCII and need no escapes. */
  static byte[] quotedName(String name) {
    byte[] bytes = new byte[name.length() + 3];
    bytes[0] = '"';
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 128 || ESCAPES[c] != 0) {
        throw new IllegalArgumentException("not a plain element name: " + name);
      }
      bytes[i + 1] = (byte) c;
    }
    bytes[name.length() + 1] = '"';
    bytes[name.length() + 2] = ':';
    return bytes;
  }

  /** A number or literal written as given (its characters are ASCII: the caller checked). */
  void raw(String ascii) {
    separate();
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
    afterValue = true;
  }

  void number(long value) {
    raw(Long.toString(value));
  }

  void bool(boolean value) {
    raw(value ? "true" : "false");
  }

  void string(String value) {
    separate();
    int n = value.length();
    // Room for the rest of the string as plain ASCII (one byte a character) and the closing quote is kept at every
    // character, so the common case copies without a check; a character taking more bytes makes its room first.
    // Narratives are the longest strings and hold a quote every few characters (their attributes): resuming the plain
    // copy after each escape, rather than checking room at every character from the first escape on, is one pass.
    ensure(n + 2);
    byte[] b = buf;
    int at = len;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 128 && ESCAPES[c] == 0) {
        b[at++] = (byte) c;
        continue;
      }
      // At most 6 bytes for this character (an escape; a surrogate pair takes 4 for 2), then the plain rest.
      if (b.length - at < n - i + 7) {
        len = at;
        ensure(n - i + 7);
        b = buf;
      }
      if (c < 128) {
        int escape = ESCAPES[c];
        b[at++] = '\\';
        if (escape > 0) {
          b[at++] = (byte) escape;
        } else {
          b[at++] = 'u';
          b[at++] = '0';
          b[at++] = '0';
          b[at++] = HEX[c >> 4];
          b[at++] = HEX[c & 0xF];
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        b[at++] = (byte) (0xF0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        throw new UnpairedSurrogate();
      }
    }
    b[at++] = '"';
    len = at;
    afterValue = true;
  }

  private void separate() {
    if (afterValue) {
      put((byte) ',');
    }
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
