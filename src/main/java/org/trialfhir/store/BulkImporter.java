package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.source.TrialReaders;

/**
 * Imports many trial record files into a {@link TrialStore}: each file is read, converted and (unless no validator
 * is given) validated on a pool of threads, and its trial's resources are stored in one {@link TrialStore#apply}, so
 * a trial is stored whole or not at all. Each file's outcome is reported as soon as its trial is committed.
 */
public final class BulkImporter {
  /** What happened to one file: its trial was new, changed, the same as stored, or not stored. */
  public enum Result { IMPORTED, UPDATED, UNCHANGED, FAILED }

  /** One file's outcome; {@code trial} is the registry id (null when unreadable), {@code reason} set on failure. */
  public record Outcome(String source, String trial, Result result, String reason) {}

  private final TrialImporter importer;
  private final TrialStore store;
  private final TrialReaders readers = TrialReaders.standard();
  private final Function<Bundle, OperationOutcome> validator;

  /** {@code validator} checks each trial's resources as one collection Bundle; null stores them unvalidated. */
  public BulkImporter(FhirContext ctx, TrialStore store, Function<Bundle, OperationOutcome> validator) {
    this.importer = new TrialImporter(ctx, store);
    this.store = store;
    this.validator = validator;
  }

  /**
   * Imports the files on {@code threads} threads and returns every file's outcome in the order given; {@code
   * onEach} hears of each outcome as it happens (from the worker threads, one at a time).
   */
  public List<Outcome> run(List<Path> files, int threads, Consumer<Outcome> onEach) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
      Thread thread = new Thread(runnable, "trialfhir-import");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Outcome>> futures = new ArrayList<>(files.size());
      for (Path file : files) {
        futures.add(pool.submit(() -> {
          Outcome outcome = importFile(file);
          synchronized (onEach) {
            onEach.accept(outcome);
          }
          return outcome;
        }));
      }
      List<Outcome> outcomes = new ArrayList<>(files.size());
      for (Future<Outcome> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("import interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("import failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads, converts, validates and stores one file; every failure becomes the outcome's reason. */
  Outcome importFile(Path file) {
    String source = file.toString();
    TrialImporter.Loaded loaded = importer.load(file, readers::read);
    if (validator != null) {
      loaded = TrialImporter.validated(loaded, validator);
    }
    if (loaded.failure() != null) {
      return new Outcome(source, loaded.trial(), Result.FAILED, loaded.failure());
    }
    try {
      return new Outcome(source, loaded.trial(), result(store(loaded.resources())), null);
    } catch (RuntimeException e) {
      // A database failure for one trial is reported with its file; the store keeps none of that trial.
      return new Outcome(source, loaded.trial(), Result.FAILED, "cannot be stored: " + e.getMessage());
    }
  }

  private TrialStore.WriteResult store(List<Resource> resources) {
    // As put: one change per resource, the last of a repeated type/id winning.
    Map<String, TrialStore.Upsert> upserts = new LinkedHashMap<>();
    for (Resource resource : resources) {
      TrialStore.Upsert upsert = new TrialStore.Upsert(resource);
      upserts.put(upsert.type() + "/" + upsert.id(), upsert);
    }
    return store.apply(List.copyOf(upserts.values()));
  }

  /** New when its first resource (the ResearchStudy) was created; changed when any resource was written. */
  private static Result result(TrialStore.WriteResult written) {
    if (!written.applied().isEmpty() && written.applied().get(0).action() == TrialStore.Action.CREATED) {
      return Result.IMPORTED;
    }
    return written.count(TrialStore.Action.CREATED) + written.count(TrialStore.Action.UPDATED) > 0
        ? Result.UPDATED : Result.UNCHANGED;
  }
}
