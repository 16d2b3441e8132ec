package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ResearchStudy;
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
public final class MatchOperationProvider {
  /** What a match needs once the vocabulary is loaded. */
  private record Matching(MatchVocabulary vocabulary, MatchRequestReader reader, StoreCandidates candidates) {}

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
          new StoreCandidates(store, new EligibilityEvaluator(loaded)));
    });
    matching.thenAcceptAsync(m -> m.candidates().matcher());
  }

  /**
   * Matches a patient. The body is read here rather than by HAPI (manualRequest) because it may be a Parameters
   * resource or a bare Bundle.
   */
  @Operation(name = "$match", type = ResearchStudy.class, idempotent = false, manualRequest = true)
  public Bundle match(RequestDetails request) {
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
