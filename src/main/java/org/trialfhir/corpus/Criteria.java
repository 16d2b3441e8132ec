package org.trialfhir.corpus;

import java.util.List;
import org.trialfhir.corpus.SyntheticTrial.Limit;

/**
 * A trial's eligibility criteria before they are numbered for a format: each item's text (exactly as the reader
 * will give it back) and its sub-items, and the limits the texts state.
 */
record Criteria(List<Item> inclusion, List<Item> exclusion, List<Limit> limits) {

  /** One criterion and its sub-items (one level deep, as registries nest lab requirements). */
  record Item(String text, List<String> children) {
    Item {
      children = List.copyOf(children);
    }

    Item(String text) {
      this(text, List.of());
    }
  }
}
