package org.trialfhir.server.search;

import org.trialfhir.store.TrialStore;

/**
 * The store searches read: the {@link SearchIndex} follows it, and resolves what resources point at (literal
 * references such as {@code Group/NCT1-eligibility}, absolute with any base, and canonical URLs such as
 * {@code https://trialfhir.org/fhir/ActivityDefinition/NCT1-x|0.1}) on its own values, without reading the store.
 */
public final class Resolver {
  private final TrialStore store;

  public Resolver(TrialStore store) {
    this.store = store;
  }

  public TrialStore store() {
    return store;
  }
}
