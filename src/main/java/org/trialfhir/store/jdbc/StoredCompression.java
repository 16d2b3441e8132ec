package org.trialfhir.store.jdbc;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * How a version's JSON is compressed in the store: a zstd frame (level {@link #LEVEL}, with its content size and a
 * checksum) compressed against {@link #DICTIONARY}, behind a zstd skippable frame that names the dictionary. What
 * earlier stores hold still reads, told apart by the first bytes, so an existing store needs no rewrite: plain zstd
 * frames (stops 15 to 20) and gzip (before stop 15).
 *
 * <p>Why zstd: the JSON is compressed on every import and decompressed on every read that misses the caches. Over
 * the converted JSON of 1,500 corpus trials (40.4 KB a trial) zstd level 3 took 0.14 ms a trial to compress to
 * 11.0 KB and 0.05 ms to decompress; zlib's level 3 (what the store wrote before) 0.37 ms to 10.8 KB. The SHA-256 kept
 * per version is over the JSON, never over these bytes, so the choice changes neither hashes nor responses.
 *
 * <p>Why a dictionary: one resource is a few kilobytes, too little for zstd to find much repetition in by itself,
 * while every trial's resources repeat the same element names, profile URLs, code systems, narrative markup and
 * criterion phrasing. Primed with the stored JSON of the bundled sample trials, a frame shares those with the
 * dictionary instead of spelling them out. Each sample's resources compressed against a dictionary made of the other
 * four took 0.52–0.64 of their plain frames' bytes; 500,000 corpus trials' H2 file closed at 3.80 GB instead of
 * 6.54. Compressing against a loaded dictionary also runs faster than without one ({@code StoredCompressionBenchmark}:
 * 171 against 257 µs a trial to compress, 64 against 138 to decompress), since there is less output to produce and
 * check.
 *
 * <p>Why the skippable frame: a raw-content dictionary has no id of its own, so a zstd frame cannot say which
 * dictionary it needs. The 12-byte skippable frame ({@link #DICTIONARY_HEADER}) says it, lets a later version add a
 * second dictionary without guessing, and is skipped by every zstd decoder: {@code zstd -d -D stored-json-1.dict}
 * reads the stored bytes as they are.
 */
final class StoredCompression {
  /**
   * zstd's fastest level that still searches for matches: over the same 1,500 trials (one thread, CPU time, levels
   * interleaved) level 1 took 0.03 ms a trial less than zstd's default 3 for 1.4% more bytes (10.97 against 10.82 KB
   * a trial); the negative "fast" levels took 0.05–0.08 ms less again but stored a quarter more (13.6–14.9 KB).
   */
  static final int LEVEL = 1;
  /**
   * The dictionary new versions are compressed against. Its bytes must never change: every version written with it
   * needs them to be read. A better dictionary is a new number and a new resource, with this one kept for reading.
   */
  static final int DICTIONARY = 1;
  static final String DICTIONARY_RESOURCE = "stored-json-" + DICTIONARY + ".dict";
  /**
   * A zstd skippable frame (magic 0x184D2A50, little-endian) of 4 content bytes: the dictionary number, unsigned
   * little-endian.
   */
  static final byte[] DICTIONARY_HEADER = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, DICTIONARY, 0, 0, 0};
  private static final int HEADER_LENGTH = DICTIONARY_HEADER.length;
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};

  private StoredCompression() {}

  /** The dictionary, read once, and each thread's contexts with it loaded (loading it per resource re-digests it). */
  private static final class Dictionary {
    static final byte[] BYTES = read();
    static final ZstdDictCompress FOR_COMPRESSION =
        new ZstdDictCompress(BYTES, LEVEL, ZstdDictContentType.RAW_CONTENT);
    static final ZstdDictDecompress FOR_DECOMPRESSION =
        new ZstdDictDecompress(BYTES, ZstdDictContentType.RAW_CONTENT);
    static final ThreadLocal<ZstdCompressCtx> COMPRESSORS = ThreadLocal.withInitial(() ->
        new ZstdCompressCtx().setLevel(LEVEL).setChecksum(true).setContentSize(true).loadDict(FOR_COMPRESSION));
    static final ThreadLocal<ZstdDecompressCtx> DECOMPRESSORS =
        ThreadLocal.withInitial(() -> new ZstdDecompressCtx().loadDict(FOR_DECOMPRESSION));

    private static byte[] read() {
      try (InputStream in = StoredCompression.class.getResourceAsStream(DICTIONARY_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(DICTIONARY_RESOURCE + " is missing beside " + StoredCompression.class);
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The bytes of the dictionary new versions are compressed against. */
  static byte[] dictionary() {
    return Dictionary.BYTES.clone();
  }

  static byte[] compress(byte[] json) {
    byte[] out = new byte[HEADER_LENGTH + (int) Zstd.compressBound(json.length)];
    System.arraycopy(DICTIONARY_HEADER, 0, out, 0, HEADER_LENGTH);
    int written = Dictionary.COMPRESSORS.get()
        .compressByteArray(out, HEADER_LENGTH, out.length - HEADER_LENGTH, json, 0, json.length);
    return Arrays.copyOf(out, HEADER_LENGTH + written);
  }

  /**
   * The JSON of stored bytes: a dictionary's zstd frame, a plain zstd frame or gzip.
   *
   * @throws StoreException when the bytes are none of these, name a dictionary this version does not know, or are
   *     damaged (zstd's checksum, gzip's CRC)
   */
  static byte[] decompress(byte[] stored) {
    if (startsWith(stored, 0, DICTIONARY_HEADER, 8)) {
      if (stored.length < HEADER_LENGTH) {
        throw notADictionaryFrame();
      }
      int dictionary = ByteBuffer.wrap(stored, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (dictionary != DICTIONARY) {
        throw new StoreException("stored content was compressed with dictionary " + Integer.toUnsignedString(dictionary)
            + ", which this version does not know (it knows " + DICTIONARY + ")", null);
      }
      if (!startsWith(stored, HEADER_LENGTH, ZSTD_MAGIC, ZSTD_MAGIC.length)) {
        throw notADictionaryFrame();
      }
      int size = contentSize(stored, HEADER_LENGTH);
      try {
        return Dictionary.DECOMPRESSORS.get().decompress(stored, HEADER_LENGTH, stored.length - HEADER_LENGTH, size);
      } catch (ZstdException e) {
        throw new StoreException("stored content is a damaged zstd frame: " + e.getMessage(), e);
      }
    }
    if (startsWith(stored, 0, ZSTD_MAGIC, ZSTD_MAGIC.length)) {
      int size = contentSize(stored, 0);
      try {
        return Zstd.decompress(stored, size);
      } catch (ZstdException e) {
        throw new StoreException("stored content is a damaged zstd frame: " + e.getMessage(), e);
      }
    }
    if (startsWith(stored, 0, GZIP_MAGIC, GZIP_MAGIC.length)) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), 8192)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new StoreException("stored content is damaged gzip: " + e.getMessage(), e);
      }
    }
    throw new StoreException("stored content is neither zstd nor gzip", null);
  }

  private static StoreException notADictionaryFrame() {
    return new StoreException("stored content is not a dictionary number followed by a zstd frame", null);
  }

  private static int contentSize(byte[] stored, int frameStart) {
    long size = Zstd.getFrameContentSize(stored, frameStart, stored.length - frameStart);
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new StoreException("stored content is a zstd frame without a readable content size", null);
    }
    return (int) size;
  }

  /** Whether {@code bytes} hold the first {@code length} bytes of {@code prefix} from index {@code at}. */
  private static boolean startsWith(byte[] bytes, int at, byte[] prefix, int length) {
    if (bytes.length < at + length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (bytes[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
