package org.trialfhir.store.jdbc;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses bytes into the very gzip bytes {@link GZIPOutputStream} writes (its header, a deflate stream at the
 * default level, CRC-32 and length), with one {@link Deflater} per thread, reset between uses: a new one per resource
 * (as the stream makes) sets up and frees zlib's quarter of a megabyte of state each time.
 */
final class Gzip {
  /** {@link GZIPOutputStream}'s header: no name, no time, "unknown" operating system. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int TRAILER = 8;
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

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
