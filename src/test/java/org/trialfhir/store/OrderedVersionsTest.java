package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a reader at a fixed position sees while one writer goes on: whole writes, older values, or a retry. */
class OrderedVersionsTest {

  @Test
  void idsKeepTheOrdinalOfTheirFirstWrite() {
    OrderedVersions<String> versions = new OrderedVersions<>();
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, versions.put("id" + i, i + 1, "v" + i));
    }
    assertEquals(500, versions.put("id500", 2000, "again"));
    assertEquals(1000, versions.count());
    assertEquals("id999", versions.id(999));
    assertEquals(999, versions.ordinal("id999"));
    assertEquals(-1, versions.ordinal("id1000"));
    assertEquals("again", versions.latest(500));
  }

  @Test
  void aReaderSeesTheValueCurrentAtItsPosition() {
    OrderedVersions<String> versions = new OrderedVersions<>();
    versions.put("a", 1, "a1");
    versions.put("a", 5, "a5");

    assertNull(versions.at(0, 0), "a did not exist before position 1");
    assertEquals("a1", versions.at(0, 1));
    assertEquals("a1", versions.at(0, 4));
    assertEquals("a5", versions.at(0, 5));
    assertEquals("a5", versions.at(0, 99));

    // A third write drops the first value: a reader still at position 1 must read again.
    versions.put("a", 9, "a9");
    assertEquals("a5", versions.at(0, 5));
    assertThrows(OrderedVersions.Stale.class, () -> versions.at(0, 1));
  }

  @Test
  void concurrentReadersAtAPublishedPositionNeverSeePartOfAWrite() throws Exception {
    // Each write sets both ids to its own position; a reader at a published position must see both at one value.
    OrderedVersions<Long> versions = new OrderedVersions<>();
    AtomicLong published = new AtomicLong();
    versions.put("x", 0, 0L);
    versions.put("y", 0, 0L);
    Thread writer = new Thread(() -> {
      for (long seq = 1; seq <= 200_000; seq++) {
        versions.put("x", seq, seq);
        versions.put("y", seq, seq);
        published.set(seq);
      }
    });
    writer.start();
    while (writer.isAlive()) {
      long at = published.get();
      try {
        Long x = versions.at(versions.ordinal("x"), at);
        Long y = versions.at(versions.ordinal("y"), at);
        assertEquals(x, y, "at " + at);
        assertEquals(at, x);
      } catch (OrderedVersions.Stale e) {
        // Two writes overtook this read: read again at the newer position.
      }
    }
    writer.join();
    assertEquals(200_000L, versions.at(0, published.get()));
  }
}
