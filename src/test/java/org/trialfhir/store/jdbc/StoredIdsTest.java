package org.trialfhir.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The writer skips the lookup of a resource {@link StoredIds} says was never added: it must never say so wrongly. */
class StoredIdsTest {
  @Test
  void everyResourceAddedIsHeldAcrossLayersAndFewOthersSeemToBe() {
    StoredIds ids = new StoredIds();
    // Past four layers' capacity, ids shaped like the mapping's (a registry id and a suffix).
    int added = StoredIds.FIRST_CAPACITY * 9;
    for (int i = 0; i < added; i++) {
      ids.add(i % 3 == 0 ? "Group" : "ResearchStudy", "NCT" + (10_000_000 + i) + (i % 3 == 0 ? "-eligibility" : ""));
    }

    for (int i = 0; i < added; i++) {
      assertTrue(ids.mightHold(i % 3 == 0 ? "Group" : "ResearchStudy",
          "NCT" + (10_000_000 + i) + (i % 3 == 0 ? "-eligibility" : "")), "added #" + i);
    }
    int seemHeld = 0;
    int others = 200_000;
    for (int i = 0; i < others; i++) {
      // Ids never added: other numbers, and added ones under another type.
      if (ids.mightHold("ResearchStudy", "NCT" + (20_000_000 + i))) {
        seemHeld++;
      }
      if (ids.mightHold("Location", "NCT" + (10_000_000 + i))) {
        seemHeld++;
      }
    }
    assertTrue(seemHeld < 2 * others / 50, seemHeld + " of " + 2 * others + " never added seem held (over 2%)");
  }

  @Test
  void anEmptyFilterHoldsNothing() {
    assertFalse(new StoredIds().mightHold("Organization", "org-a"));
  }
}
