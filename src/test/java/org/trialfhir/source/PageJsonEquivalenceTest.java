package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trialfhir.testing.Cases;

/** A trial's page rendering and its CT.gov API v2 JSON read into the same TrialRecord. */
class PageJsonEquivalenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"NCT07066982", "NCT06690827"})
  void pageAndJsonGiveTheSameRecord(String id) {
    TrialReaders readers = TrialReaders.standard();
    ParseResult page = readers.read(Cases.input(id));
    ParseResult json = readers.read(Cases.input(id + "-json"));
    assertEquals("ctgov-page", page.format());
    assertEquals("ctgov-json", json.format());
    // Field by field first, so a failure names the field; then the whole record.
    TrialRecord p = page.record();
    TrialRecord j = json.record();
    assertEquals(p.registryId(), j.registryId());
    assertEquals(p.overallStatus(), j.overallStatus());
    assertEquals(p.phases(), j.phases());
    assertEquals(p.enrollment(), j.enrollment());
    assertEquals(p.startDate(), j.startDate());
    assertEquals(p.completionDate(), j.completionDate());
    assertEquals(p.conditions(), j.conditions());
    assertEquals(p.design(), j.design());
    assertEquals(p.arms(), j.arms());
    assertEquals(p.interventions(), j.interventions());
    assertEquals(p.eligibility(), j.eligibility());
    assertEquals(p.leadSponsor(), j.leadSponsor());
    assertEquals(p.sites(), j.sites());
    assertEquals(p.centralContacts(), j.centralContacts());
    assertEquals(p, j);
  }
}
