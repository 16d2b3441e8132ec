package org.trialfhir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

/** Which failures count as an exhausted heap, and the heap the hint suggests. */
class HeapExhaustionTest {

  @Test
  void anExhaustedHeapIsFoundThroughTheWrappersThatCarryIt() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertTrue(HeapExhaustion.causes(oom));
    // What a ServiceLoader throws when the heap runs out while it loads a provider (Flyway's plugins at start-up).
    assertTrue(HeapExhaustion.causes(new ServiceConfigurationError("Plugin: Unable to get public no-arg constructor",
        oom)));
    assertTrue(HeapExhaustion.causes(new IllegalStateException("store", new RuntimeException("H2", oom))));
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(HeapExhaustion.causes(new ServiceConfigurationError("Plugin: not a subtype")));
    assertFalse(HeapExhaustion.causes(new StackOverflowError()));
    assertFalse(HeapExhaustion.causes(new IllegalStateException("store", new RuntimeException("H2"))));
  }

  @Test
  void theHintDoublesTheHeapInWholeGigabytes() {
    assertEquals(1, HeapExhaustion.suggestedGb(16));
    assertEquals(2, HeapExhaustion.suggestedGb(1024));
    assertEquals(7, HeapExhaustion.suggestedGb(3 * 1024 + 100));
  }
}
