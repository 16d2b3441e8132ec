package org.trialfhir.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.ResearchStudy;

/** Small resources and concurrency helpers for the store contract tests. */
final class StoreFixtures {
  private StoreFixtures() {}

  static ResearchStudy study(String id, String title) {
    ResearchStudy study = new ResearchStudy();
    study.setId(id);
    study.setTitle(title);
    study.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    return study;
  }

  static Organization organization(String id, String name) {
    Organization organization = new Organization();
    organization.setId(id);
    organization.setName(name);
    return organization;
  }

  static String title(TrialStore store, String id) {
    return ((ResearchStudy) store.read("ResearchStudy", id).orElseThrow()).getTitle();
  }

  /** Runs the tasks on their own threads, all started together, and returns their results in order. */
  static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Polls until the value is present, for at most the two seconds a write may take to reach another instance. */
  static <T> Optional<T> within2s(Supplier<Optional<T>> read) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (true) {
      Optional<T> value = read.get();
      if (value.isPresent() || System.nanoTime() > deadline) {
        return value;
      }
      Thread.sleep(20);
    }
  }

}
