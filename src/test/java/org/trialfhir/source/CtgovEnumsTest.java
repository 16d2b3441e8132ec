package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CtgovEnumsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      // phases: the API spelling, and the forms pages and registries write it in
      "PHASE1; PHASE1",
      "PHASE1/PHASE2; PHASE1 PHASE2",
      "Phase 1; PHASE1",
      "Phase 1/2; PHASE1 PHASE2",
      "Phase 1/Phase 2; PHASE1 PHASE2",
      "Phase 1 / Phase 2; PHASE1 PHASE2",
      "phase1/2; PHASE1 PHASE2",
      "Phase 1-2; PHASE1 PHASE2",
      "Phase I/II; PHASE1 PHASE2",
      "Phase II/III; PHASE2 PHASE3",
      "Phase 2/3; PHASE2 PHASE3",
      "Phase IV; PHASE4",
      "Early Phase 1; EARLY_PHASE1",
      "EARLY_PHASE1; EARLY_PHASE1",
      "Early Phase I; EARLY_PHASE1",
      "Not Applicable; NA",
      "N/A; NA",
  })
  void readsTheWrittenFormsOfAPhase(String text, String phases) {
    assertEquals(List.of(phases.split(" ")), CtgovEnums.phases(text));
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = ';', value = {
      // Not wholly a phase: the reader reports these rather than guess (the API has no sub-phases or phase 5).
      "Phase 1b",
      "Phase 1b/2",
      "Phase 5",
      "Phase",
      "Phase 1/Phase",
      "Early Phase 2",
      "Early 1",
      "Phase 1 Early",
      "1/2",
      "Recruiting",
      "A Phase 1/2 Study of CD19 CAR-T Cells",
      "' '",
  })
  void namesNoPhaseForTextThatIsNotWhollyOne(String text) {
    assertEquals(List.of(), CtgovEnums.phases(text));
  }
}
