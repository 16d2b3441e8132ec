package org.trialfhir.store.jdbc;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * How a version's JSON is compressed in the store: a zstd frame (level {@link #LEVEL}, with its content size and a
 * checksum) for everything written now; gzip, which every version written before stop 15 is, still reads, told apart
 * by the first bytes, so an existing store needs no rewrite.
 *
 * <p>Why zstd: the JSON is compressed on every import and decompressed on every read that misses the caches. Over
 * the converted JSON of 1,500 corpus trials (40.4 KB a trial) zstd level 3 took 0.14 ms a trial to compress to
 * 11.0 KB and 0.05 ms to decompress; zlib's level 3 (what the store wrote before) 0.37 ms to 10.8 KB. The SHA-256 kept
 * per version is over the JSON, never over these bytes, so the choice changes neither hashes nor responses.
 */
final class StoredCompression {
  /**
   * zstd's fastest level that still searches for matches: over the same 1,500 trials (one thread, CPU time, levels
   * interleaved) level 1 took 0.03 ms a trial less than zstd's default 3 for 1.4% more bytes (10.97 against 10.82 KB
   * a trial); the negative "fast" levels took 0.05–0.08 ms less again but stored a quarter more (13.6–14.9 KB).
   */
  static final int LEVEL = 1;
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  /** One context per thread: making one per resource sets up and frees zstd's tables each time. */
  private static final ThreadLocal<ZstdCompressCtx> COMPRESSORS =
      ThreadLocal.withInitial(() -> new ZstdCompressCtx().setLevel(LEVEL).setChecksum(true).setContentSize(true));

  private StoredCompression() {}

  static byte[] compress(byte[] json) {
    return COMPRESSORS.get().compress(json);
  }

  /**
   * The JSON of stored bytes, zstd or gzip.
   *
   * @throws StoreException when the bytes are neither, or damaged (zstd's checksum, gzip's CRC)
   */
  static byte[] decompress(byte[] stored) {
    if (startsWith(stored, ZSTD_MAGIC)) {
      long size = Zstd.getFrameContentSize(stored);
      if (size < 0 || size > Integer.MAX_VALUE) {
        throw new StoreException("stored content is a zstd frame without a readable content size", null);
      }
      try {
        return Zstd.decompress(stored, (int) size);
      } catch (ZstdException e) {
        throw new StoreException("stored content is a damaged zstd frame: " + e.getMessage(), e);
      }
    }
    if (startsWith(stored, GZIP_MAGIC)) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), 8192)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new StoreException("stored content is damaged gzip: " + e.getMessage(), e);
      }
    }
    throw new StoreException("stored content is neither zstd nor gzip", null);
  }

  private static boolean startsWith(byte[] bytes, byte[] magic) {
    if (bytes.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (bytes[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
