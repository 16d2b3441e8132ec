package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@link StoredCompression}: zstd written, zstd and gzip read, anything else or damaged refused by name. */
class StoredCompressionTest {
  private static final byte[] JSON = ("{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\",\"title\":\"CAR-T \u00e9tude "
      + "\u2028 \ud83e\uddec\",\"note\":[" + "{\"text\":\"repeated text compresses\"},".repeat(200) + "{}]}")
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void writesAZstdFrameThatReadsBackToTheSameBytes() {
    byte[] stored = StoredCompression.compress(JSON);

    assertArrayEquals(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, Arrays.copyOf(stored, 4), "zstd's magic");
    assertTrue(stored.length < JSON.length / 5, stored.length + " bytes for " + JSON.length);
    assertArrayEquals(JSON, StoredCompression.decompress(stored));
  }

  @Test
  void compressesTheSameBytesTheSameWayOnEveryThread() throws InterruptedException {
    byte[] here = StoredCompression.compress(JSON);
    byte[][] there = new byte[1][];
    Thread other = new Thread(() -> there[0] = StoredCompression.compress(JSON));
    other.start();
    other.join();

    assertArrayEquals(here, there[0]);
    assertArrayEquals(here, StoredCompression.compress(JSON), "a reused context starts afresh");
  }

  @Test
  void readsGzipAsStoresBeforeZstdHoldIt() throws IOException {
    assertArrayEquals(JSON, StoredCompression.decompress(gzip(JSON)));
  }

  @Test
  void refusesBytesThatAreNeitherZstdNorGzip() {
    StoreException e = assertThrows(StoreException.class, () -> StoredCompression.decompress(JSON));
    assertEquals("stored content is neither zstd nor gzip", e.getMessage());
    assertThrows(StoreException.class, () -> StoredCompression.decompress(new byte[0]));
  }

  @Test
  void refusesADamagedFrameByItsChecksum() {
    byte[] stored = StoredCompression.compress(JSON);
    // The last four bytes are the checksum of the content: change it, and the content no longer matches.
    stored[stored.length - 1] ^= 0x55;

    StoreException e = assertThrows(StoreException.class, () -> StoredCompression.decompress(stored));
    assertTrue(e.getMessage().startsWith("stored content is a damaged zstd frame"), e.getMessage());
  }

  @Test
  void refusesDamagedGzip() throws IOException {
    byte[] stored = gzip(JSON);
    stored[stored.length - 6] ^= 0x55; // in the CRC-32

    StoreException e = assertThrows(StoreException.class, () -> StoredCompression.decompress(stored));
    assertTrue(e.getMessage().startsWith("stored content is damaged gzip"), e.getMessage());
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }
}
