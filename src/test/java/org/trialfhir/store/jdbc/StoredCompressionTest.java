package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdDictDecompress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * {@link StoredCompression}: a dictionary's number then a zstd frame written; that, plain zstd frames and gzip read;
 * anything else, an unknown dictionary or damaged bytes refused by name.
 */
class StoredCompressionTest {
  private static final byte[] JSON = ("{\"resourceType\":\"ResearchStudy\",\"id\":\"NCT1\",\"title\":\"CAR-T \u00e9tude "
      + "\u2028 \ud83e\uddec\",\"note\":[" + "{\"text\":\"repeated text compresses\"},".repeat(200) + "{}]}")
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  @Test
  void writesTheDictionaryNumberThenAZstdFrameThatReadsBackToTheSameBytes() {
    byte[] stored = StoredCompression.compress(JSON);

    assertArrayEquals(new byte[] {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 0, 0, 0}, Arrays.copyOf(stored, 12),
        "a skippable frame holding dictionary number 1");
    assertArrayEquals(ZSTD_MAGIC, Arrays.copyOfRange(stored, 12, 16), "zstd's magic");
    assertTrue(stored.length < JSON.length / 5, stored.length + " bytes for " + JSON.length);
    assertArrayEquals(JSON, StoredCompression.decompress(stored));
  }

  /** Any zstd decoder given the dictionary reads stored bytes as they are: it skips the skippable frame itself. */
  @Test
  void storedBytesAreAZstdStreamThatTheDictionaryAloneDecodes() {
    byte[] stored = StoredCompression.compress(JSON);
    try (ZstdDictDecompress dictionary =
            new ZstdDictDecompress(StoredCompression.dictionary(), ZstdDictContentType.RAW_CONTENT);
        ZstdDecompressCtx decoder = new ZstdDecompressCtx()) {
      decoder.loadDict(dictionary);

      assertArrayEquals(JSON, decoder.decompress(stored, JSON.length));
    }
  }

  /**
   * The dictionary's bytes are frozen: every version compressed with dictionary 1 needs exactly these. A change here
   * means a new dictionary number, with this one kept (see {@link StoredDictionaryTool}).
   */
  @Test
  void dictionaryOneIsTheDictionaryItWasWhenStoresBeganToUseIt() throws NoSuchAlgorithmException {
    byte[] dictionary = StoredCompression.dictionary();

    assertEquals(DICTIONARY_ONE_SHA256,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dictionary)));
    assertEquals(DICTIONARY_ONE_LENGTH, dictionary.length);
  }

  private static final String DICTIONARY_ONE_SHA256 =
      "2761b1a91b0db3a155086323ac53ab60c0f9d61736d1d4b521aa0ec65475f1e0";
  private static final int DICTIONARY_ONE_LENGTH = 225_675;

  /**
   * What the dictionary is for: converted trials the dictionary was not made from (generated ones) take well under the
   * bytes of plain zstd frames at the same level, and read back exactly.
   */
  @Test
  void compressesConvertedTrialsToUnderTwoThirdsOfPlainFrames() {
    FhirContext ctx = FhirContext.forR4Cached();
    IParser parser = ctx.newJsonParser();
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(ctx));
    CorpusGenerator generator = new CorpusGenerator(5, EnumSet.allOf(CorpusFormat.class));
    long withDictionary = 0;
    long plain = 0;
    try (ZstdCompressCtx plainFrames =
        new ZstdCompressCtx().setLevel(StoredCompression.LEVEL).setChecksum(true).setContentSize(true)) {
      for (long index = 0; index < 30; index++) {
        for (Resource resource : mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index)))
            .record()).resources()) {
          byte[] json = parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
          byte[] stored = StoredCompression.compress(json);
          assertArrayEquals(json, StoredCompression.decompress(stored), resource.getId());
          withDictionary += stored.length;
          plain += plainFrames.compress(json).length;
        }
      }
    }
    assertTrue(withDictionary * 3 < plain * 2, withDictionary + " bytes with the dictionary, " + plain + " without");
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
  void readsPlainZstdFramesAsStoresOfStopsFifteenToTwentyHoldThem() {
    try (ZstdCompressCtx plain = new ZstdCompressCtx().setLevel(1).setChecksum(true).setContentSize(true)) {
      assertArrayEquals(JSON, StoredCompression.decompress(plain.compress(JSON)));
    }
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
  void refusesADictionaryItDoesNotKnow() {
    byte[] stored = StoredCompression.compress(JSON);
    stored[8] = 2;

    StoreException e = assertThrows(StoreException.class, () -> StoredCompression.decompress(stored));
    assertEquals("stored content was compressed with dictionary 2, which this version does not know (it knows 1)",
        e.getMessage());
  }

  @Test
  void refusesADictionaryNumberWithoutAFrameAfterIt() {
    byte[] stored = StoredCompression.compress(JSON);

    for (byte[] cut : new byte[][] {Arrays.copyOf(stored, 10), Arrays.copyOf(stored, 12), Arrays.copyOf(stored, 14),
        withByte(stored, 12, 0)}) {
      StoreException e = assertThrows(StoreException.class, () -> StoredCompression.decompress(cut));
      assertEquals("stored content is not a dictionary number followed by a zstd frame", e.getMessage());
    }
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

  private static byte[] withByte(byte[] bytes, int at, int value) {
    byte[] changed = bytes.clone();
    changed[at] = (byte) value;
    return changed;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }
}
