package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.matching.EligibilityEvaluator;
import org.trialfhir.matching.InvalidPatientDataException;
import org.trialfhir.matching.MatchPage;
import org.trialfhir.matching.MatchVocabulary;
import org.trialfhir.matching.PatientData;
import org.trialfhir.store.TrialStore;

/**
 * {@code POST /fhir/ResearchStudy/$match} (profiles/OperationDefinition-match.json, CodeX-compatible): reads the
 * patient's data and filters, matches them against the store's studies, and answers the searchset Bundle of studies
 * the patient may be eligible for, best first, criterion by criterion: a page of them ({@code _count}, {@code _offset}),
 * with the number in all as {@code total}. A request it cannot use is a 400 saying why.
 */
public final class MatchOperationProvider implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MatchOperationProvider.class);
  /** How long {@link #close} waits for a background build under way (it reads the store, so must end first). */
  private static final long STOP_SECONDS = 30;

  /** What a match needs once the vocabulary is loaded. */
  private record Matching(MatchVocabulary vocabulary, MatchRequestReader reader, StoreCandidates candidates) {}

  /**
   * The background work's own thread, not the common ForkJoin pool: {@link #close} can stop it and wait for it, so no
   * build goes on reading a store after the server stops, and it takes no worker from parallel streams. Its one thread
   * ends when idle, once the build is done.
   */
  private final ThreadPoolExecutor background = threads("trialfhir-matcher", 1);
  /**
   * Threads that read studies' eligibility beside the background thread during a full build (one fewer than the
   * cores): a build is mostly that reading, and after a restart from the index snapshot nothing else keeps the cores
   * busy. They end when idle.
   */
  private final int parallelism = Runtime.getRuntime().availableProcessors();
  private final ThreadPoolExecutor readers = threads("trialfhir-matcher-reader", Math.max(1, parallelism - 1));
  private final CompletableFuture<Matching> matching;

  /**
   * The vocabulary (ConceptMaps and the UCUM essence, about a second) loads in the background from here, and then the
   * matcher over the store's studies is built (reading every study's eligibility: seconds at 10,000 studies), so that
   * neither start-up nor, usually, the first match waits for them. A store still being filled is caught up with at
   * the first match, which reads only the studies stored since; a study that cannot be read fails that match, which
   * says why.
   */
  MatchOperationProvider(FhirContext ctx, TrialStore store, Supplier<MatchVocabulary> vocabulary, Clock clock) {
    this.matching = CompletableFuture.supplyAsync(() -> {
      MatchVocabulary loaded = vocabulary.get();
      return new Matching(loaded, new MatchRequestReader(ctx, loaded, clock),
          new StoreCandidates(store, new EligibilityEvaluator(loaded), readers, parallelism));
    }, background);
    matching.thenAcceptAsync(m -> {
      long started = System.nanoTime();
      int studies = m.candidates().matcher().size();
      LOG.info("$match: the matcher over {} studies was built in {} ms", studies,
          (System.nanoTime() - started) / 1_000_000);
    }, background);
  }

  /** Up to {@code count} daemon threads named {@code name}, which end after a second idle. */
  private static ThreadPoolExecutor threads(String name, int count) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(count, count, 1, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Stops the background work and waits (up to {@value #STOP_SECONDS} s) for a build under way to end. */
  @Override
  public void close() {
    background.shutdownNow();
    readers.shutdownNow();
    try {
      if (!background.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)
          || !readers.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("$match: the background matcher build did not stop within {} s", STOP_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Matches a patient. The body is read here rather than by HAPI (manualRequest) because it may be a Parameters
   * resource or a bare Bundle.
   */
  @Operation(name = "$match", type = ResearchStudy.class, idempotent = false, manualRequest = true)
  public Bundle match(RequestDetails request) {
    // The body first, before anything can refuse the request: a body left unread makes the server close the
    // connection after answering, under a client that may already be sending its next request on it.
    request.loadRequestContents();
    Matching m = matching.join();
    MatchRequestReader.MatchRequest match = m.reader().read(request);
    PatientData patient;
    try {
      patient = PatientData.from(match.clinicalData(), m.vocabulary());
    } catch (InvalidPatientDataException e) {
      throw new InvalidRequestException("$match: " + e.getMessage());
    }
    MatchPage page = m.candidates().matcher().match(patient, match.filters(), match.date(), match.offset(),
        match.count());
    return MatchBundleWriter.write(page, request.getFhirServerBase(), m.vocabulary());
  }
}
