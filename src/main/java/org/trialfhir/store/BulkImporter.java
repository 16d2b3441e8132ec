package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;

/**
 * Imports many trial record files into a {@link TrialStore}: each file is read, converted, validated (all, a sample,
 * or none) and its write prepared on a pool of threads, while the calling thread commits the ready trials in groups,
 * several per transaction ({@link TrialStore#applyAll}), so the cost of a commit is shared. A trial is stored whole or not at all: when a group's
 * transaction fails, its trials are written again one by one, so only the trial at fault fails, named with its file.
 * Each file's outcome is reported as soon as its trial is committed. The files are read a little ahead of the workers
 * ({@link ReadAhead}), so a corpus that is not in the page cache keeps them converting rather than waiting on the disk.
 */
public final class BulkImporter {
  /**
   * Trials committed in one transaction at most. Tried at stop 12: 128 gathered for 250 ms saved no import CPU beyond
   * the noise, held half again as many converted trials (peak RSS 1.2 -> 1.8 GB at 10,000), and left the H2 file a
   * fifth larger (H2StoreSizeTest: 34 KB a trial on an idle machine, over its 30 KB bound).
   */
  static final int MAX_GROUP = 64;
  /** How long the writer waits for more trials to join a group once it has one. */
  static final long GATHER_MILLIS = 50;

  /** What happened to one file: its trial was new, changed, the same as stored, or not stored. */
  public enum Result { IMPORTED, UPDATED, UNCHANGED, FAILED }

  /**
   * One file's outcome; {@code trial} is the registry id (null when unreadable), {@code reason} set on failure,
   * {@code validated} whether its resources went through the validator.
   */
  public record Outcome(String source, String trial, Result result, String reason, boolean validated) {}

  /**
   * Which files are validated. {@code every} = 1: all of them; n > 1: the 1st, the (n+1)th, ... in the order given,
   * and, once one of those fails validation, every file from then on; 0: none.
   */
  public record Validation(Function<Bundle, OperationOutcome> validator, int every) {
    public Validation {
      if (every < 0 || (every > 0 && validator == null)) {
        throw new IllegalArgumentException("a sample of every " + every + " files needs a validator");
      }
    }

    public static Validation all(Function<Bundle, OperationOutcome> validator) {
      return new Validation(validator, 1);
    }

    public static Validation none() {
      return new Validation(null, 0);
    }
  }

  /** A file converted and checked on a worker: its prepared write, or its outcome when it has nothing to store. */
  private record Ready(int index, String source, String trial, boolean validated, TrialStore.PreparedWrite write,
      Outcome failed) {}

  private final TrialImporter importer;
  private final TrialStore store;
  private final TrialReaders readers = TrialReaders.standard();
  private final Validation validation;
  /** Set when a sampled file fails validation: from then on every file is validated. */
  private final AtomicBoolean validateEveryFile = new AtomicBoolean();

  /** {@code validator} checks each trial's resources as one collection Bundle; null stores them unvalidated. */
  public BulkImporter(FhirContext ctx, TrialStore store, Function<Bundle, OperationOutcome> validator) {
    this(ctx, store, validator == null ? Validation.none() : Validation.all(validator));
  }

  public BulkImporter(FhirContext ctx, TrialStore store, Validation validation) {
    this(new TrialImporter(ctx, store), store, validation);
  }

  /** {@code mapper} gives the mapper once the first file is converted (e.g. {@link TrialImporter#mapperBuiltAhead}). */
  public BulkImporter(FhirContext ctx, TrialStore store, Validation validation, Supplier<TrialBundleMapper> mapper) {
    this(new TrialImporter(ctx, store, mapper), store, validation);
  }

  private BulkImporter(TrialImporter importer, TrialStore store, Validation validation) {
    this.importer = importer;
    this.store = store;
    this.validation = validation;
  }

  /**
   * Imports the files, converting on {@code threads} threads and committing on this one, and returns every file's
   * outcome in the order given; {@code onEach} hears of each outcome as its trial is committed (on this thread).
   */
  public List<Outcome> run(List<Path> files, int threads, Consumer<Outcome> onEach) {
    // Bounded, so a corpus of any size keeps a few groups in memory, not every converted trial.
    BlockingQueue<Ready> ready = new ArrayBlockingQueue<>(4 * MAX_GROUP);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
      Thread thread = new Thread(runnable, "trialfhir-import");
      thread.setDaemon(true);
      return thread;
    });
    Outcome[] outcomes = new Outcome[files.size()];
    ReadAhead ahead = new ReadAhead(files, ReadAhead.AHEAD, ReadAhead.MAX_BYTES, "trialfhir-import-read");
    try {
      for (int i = 0; i < files.size(); i++) {
        int index = i;
        pool.execute(() -> {
          byte[] bytes;
          try {
            bytes = ahead.take(index);
          } catch (InterruptedException e) {
            // The pool is being shut down: the import was interrupted and nobody waits for this file any more.
            Thread.currentThread().interrupt();
            return;
          }
          offer(ready, convert(index, files.get(index), bytes));
        });
      }
      for (int done = 0; done < files.size(); ) {
        List<Ready> group = gather(ready, files.size() - done);
        List<Outcome> committed = commit(group);
        for (int i = 0; i < group.size(); i++) {
          outcomes[group.get(i).index()] = committed.get(i);
          onEach.accept(committed.get(i));
        }
        done += group.size();
      }
      return Arrays.asList(outcomes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("import interrupted", e);
    } finally {
      pool.shutdownNow();
      ahead.close();
    }
  }

  /**
   * The next group: what is ready, and what becomes ready within {@link #GATHER_MILLIS} of the first, up to {@link
   * #MAX_GROUP} trials or the {@code left} still to come. A commit costs about as much as writing a few trials, so a
   * writer that keeps up with the workers would otherwise commit one trial at a time.
   */
  private static List<Ready> gather(BlockingQueue<Ready> ready, int left) throws InterruptedException {
    int size = Math.min(MAX_GROUP, left);
    List<Ready> group = new ArrayList<>(size);
    group.add(ready.take());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
    while (group.size() < size) {
      ready.drainTo(group, size - group.size());
      long wait = deadline - System.nanoTime();
      if (group.size() >= size || wait <= 0) {
        break;
      }
      Ready next = ready.poll(wait, TimeUnit.NANOSECONDS);
      if (next == null) {
        break;
      }
      group.add(next);
    }
    return group;
  }

  private static void offer(BlockingQueue<Ready> ready, Ready one) {
    try {
      ready.put(one);
    } catch (InterruptedException e) {
      // The pool is being shut down: the import was interrupted and nobody waits for this file any more.
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Converts, validates and prepares one file, from its {@code bytes} when read ahead (null: reads it here); every
   * failure becomes its outcome, so the writer hears of it.
   */
  private Ready convert(int index, Path file, byte[] bytes) {
    String source = file.toString();
    try {
      TrialImporter.Loaded loaded = importer.load(file, f -> bytes == null ? readers.read(f) : readers.read(bytes));
      boolean validate = loaded.failure() == null && chosen(index);
      if (validate) {
        loaded = TrialImporter.validated(loaded, validation.validator());
        if (loaded.failure() != null) {
          validateEveryFile.set(true);
        }
      }
      if (loaded.failure() != null) {
        return new Ready(index, source, loaded.trial(), validate, null,
            new Outcome(source, loaded.trial(), Result.FAILED, loaded.failure(), validate));
      }
      return new Ready(index, source, loaded.trial(), validate, store.prepare(changes(loaded.resources())), null);
    } catch (RuntimeException | Error e) {
      // A bug or an exhausted heap on one file must not leave the writer waiting for it.
      return new Ready(index, source, null, false, null,
          new Outcome(source, null, Result.FAILED, "cannot be converted: " + e, false));
    }
  }

  private boolean chosen(int index) {
    return validation.every() == 1
        || (validation.every() > 1 && (index % validation.every() == 0 || validateEveryFile.get()));
  }

  /**
   * Commits a group's prepared writes in one transaction and returns every member's outcome in group order; when
   * that fails, writes them one by one so that each failure is its own trial's.
   */
  private List<Outcome> commit(List<Ready> group) {
    List<Ready> writes = group.stream().filter(r -> r.write() != null).toList();
    List<TrialStore.WriteResult> results = null;
    if (writes.size() > 1) {
      try {
        results = store.applyAll(writes.stream().map(Ready::write).toList());
      } catch (RuntimeException e) {
        // One trial the database refuses fails the whole transaction, which stores nothing; writing the trials one
        // by one (below) finds which.
      }
    }
    List<Outcome> outcomes = new ArrayList<>(group.size());
    int next = 0;
    for (Ready one : group) {
      if (one.write() == null) {
        outcomes.add(one.failed());
      } else if (results != null) {
        outcomes.add(stored(one, results.get(next++)));
      } else {
        outcomes.add(alone(one));
      }
    }
    return outcomes;
  }

  private Outcome alone(Ready one) {
    try {
      return stored(one, store.applyAll(List.of(one.write())).get(0));
    } catch (RuntimeException e) {
      // A database failure for one trial is reported with its file; the store keeps none of that trial.
      return new Outcome(one.source(), one.trial(), Result.FAILED, "cannot be stored: " + e.getMessage(),
          one.validated());
    }
  }

  private static Outcome stored(Ready one, TrialStore.WriteResult written) {
    return new Outcome(one.source(), one.trial(), result(written), null, one.validated());
  }

  /**
   * As put: one change per resource, the last of a repeated type/id winning; each handed over to the store, as this
   * file's resources are not used again.
   */
  private static List<TrialStore.Change> changes(List<Resource> resources) {
    Map<String, TrialStore.Upsert> upserts = new LinkedHashMap<>();
    for (Resource resource : resources) {
      TrialStore.Upsert upsert = TrialStore.Upsert.handedOver(resource);
      upserts.put(upsert.type() + "/" + upsert.id(), upsert);
    }
    return List.copyOf(upserts.values());
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
