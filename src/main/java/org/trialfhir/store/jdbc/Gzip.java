package org.trialfhir.store.jdbc;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses bytes into gzip bytes laid out as {@link GZIPOutputStream} writes them (its header, a raw deflate stream,
 * CRC-32 and length), with one {@link Deflater} per thread, reset between uses: a new one per resource (as the stream
 * makes) sets up and frees zlib's quarter of a megabyte of state each time.
 *
 * <p>The deflate stream is zlib's level {@link #LEVEL}, not the stream's default 6. Stored content is always
 * decompressed before use (its SHA-256 is over the JSON, reads stamp the JSON, responses are compressed anew), so
 * the level changes only the stored size: over a 1,500-record corpus (stop 14) level 3 deflated the converted JSON
 * (40.4 KB a trial) to 11.0 KB a trial for 0.41 ms CPU, level 6 to 10.6 KB for 0.54 ms; levels 1 and 2 were as
 * fast as 3 and larger. Contents stored at another level read the same.
 */
final class Gzip {
  /** {@link GZIPOutputStream}'s header: no name, no time, "unknown" operating system. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int TRAILER = 8;
  /** zlib's fastest family of levels (1 to 3 share its greedy matcher); 3 compresses best of them. */
  static final int LEVEL = 3;
  private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));

  private Gzip() {}

  static byte[] compress(byte[] bytes) {
    Deflater deflater = DEFLATERS.get();
    byte[] out = Arrays.copyOf(HEADER, HEADER.length + bytes.length / 4 + 64);
    int length = HEADER.length;
    try {
      deflater.setInput(bytes);
      deflater.finish();
      while (!deflater.finished()) {
        if (length == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        length += deflater.deflate(out, length, out.length - length);
      }
    } finally {
      deflater.reset(); // also lets go of the input
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    out = Arrays.copyOf(out, length + TRAILER);
    littleEndian((int) crc.getValue(), out, length);
    littleEndian(bytes.length, out, length + 4);
    return out;
  }

  private static void littleEndian(int value, byte[] into, int at) {
    for (int i = 0; i < 4; i++) {
      into[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
