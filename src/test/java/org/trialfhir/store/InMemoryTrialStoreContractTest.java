package org.trialfhir.store;

/** {@link TrialStoreContract} on the in-memory store. */
class InMemoryTrialStoreContractTest implements TrialStoreContract {
  private final InMemoryTrialStore store = new InMemoryTrialStore();

  @Override
  public TrialStore store() {
    return store;
  }
}
