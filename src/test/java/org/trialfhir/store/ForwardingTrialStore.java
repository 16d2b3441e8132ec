package org.trialfhir.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Resource;

/** A store that hands every call on to another: a test overrides only the calls it watches or changes. */
public abstract class ForwardingTrialStore implements TrialStore {
  protected final TrialStore store;

  protected ForwardingTrialStore(TrialStore store) {
    this.store = store;
  }

  @Override
  public PreparedWrite prepare(List<? extends Change> changes) {
    return store.prepare(changes);
  }

  @Override
  public List<WriteResult> applyAll(List<? extends PreparedWrite> writes) {
    return store.applyAll(writes);
  }

  @Override
  public List<Version> history(String type, String id) {
    return store.history(type, id);
  }

  @Override
  public Optional<Resource> read(String type, String id) {
    return store.read(type, id);
  }

  @Override
  public Optional<Resource> vread(String type, String id, String versionId) {
    return store.vread(type, id, versionId);
  }

  @Override
  public List<Resource> all(String type) {
    return store.all(type);
  }

  @Override
  public long position() {
    return store.position();
  }

  @Override
  public long current(Consumer<List<Version>> batches) {
    return store.current(batches);
  }

  @Override
  public List<Committed> changesSince(long after, int max) {
    return store.changesSince(after, max);
  }
}
