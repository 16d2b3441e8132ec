package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.trialfhir.mapping.PartyMapper.Parties;
import org.trialfhir.mapping.PartyMapper.PersonName;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

class PartyMapperTest {
  private final PartyMapper mapper = new PartyMapper();
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  static TrialRecord record(
      Sponsor sponsor, List<Sponsor> collaborators, List<Investigator> investigators, List<Site> sites) {
    return new TrialRecord("NCT00000001", List.of(), "A title", null, null, "RECRUITING", List.of(), null, null,
        null, null, null, null, List.of(), List.of(), null, List.of(), List.of(), List.of(), null, sponsor,
        collaborators, null, investigators, sites, List.of(), List.of(), List.of());
  }

  @Test
  void sponsorBecomesAnOrganizationWithItsAgencyClassAsText() {
    // CT.gov leadSponsor.name and leadSponsor.class
    Parties parties = mapper.map(
        record(new Sponsor("Essen Biotech", "INDUSTRY"), List.of(), List.of(), List.of()), diagnostics);
    Organization sponsor = parties.sponsor();
    assertEquals("org-essen-biotech", sponsor.getIdElement().getIdPart());
    assertEquals("Essen Biotech", sponsor.getName());
    assertEquals("INDUSTRY", sponsor.getTypeFirstRep().getText());
    assertFalse(sponsor.getTypeFirstRep().hasCoding(), "no map for agency class: text only");
    assertEquals(PartyMapper.ORGANIZATION_PROFILE, sponsor.getMeta().getProfile().get(0).getValue());
    assertFalse(sponsor.hasText(), "narratives are added centrally");
    assertEquals(List.of(sponsor), parties.resources());
  }

  @Test
  void agencyClassAbsentMeansNoType() {
    // CT.gov leadSponsor.class not stated (MedPath pages)
    Parties parties = mapper.map(
        record(new Sponsor("Anhui Provincial Hospital", null), List.of(), List.of(), List.of()), diagnostics);
    assertFalse(parties.sponsor().hasType());
  }

  @Test
  void noSponsorNoOrganization() {
    Parties parties = mapper.map(record(null, List.of(), List.of(), List.of()), diagnostics);
    assertNull(parties.sponsor());
    assertTrue(parties.resources().isEmpty());
  }

  @Test
  void collaboratorsAreDedupedAndTheSponsorIsNotItsOwnCollaborator() {
    // CT.gov collaborators[].name
    Parties parties = mapper.map(record(new Sponsor("Essen Biotech", "OTHER"),
        List.of(new Sponsor("Guangdong Provincial People's Hospital", "OTHER"),
            new Sponsor("GUANGDONG PROVINCIAL PEOPLE'S HOSPITAL", "OTHER"),
            new Sponsor("Essen Biotech.", "OTHER")),
        List.of(), List.of()), diagnostics);
    assertEquals(1, parties.collaborators().size());
    assertEquals("org-guangdong-provincial-people-s-hospital",
        parties.collaborators().get(0).getIdElement().getIdPart());
    assertEquals(2, parties.resources().size());
  }

  @Test
  void siteBecomesALocationWithOnlyWhatIsStated() {
    // CT.gov locations[]: facility, city, state, zip, country, status
    Site site = new Site("District One Hospital", "Beijing", "Beijing Municipality", null, "China", "RECRUITING",
        List.of());
    Parties parties = mapper.map(record(null, List.of(), List.of(), List.of(site)), diagnostics);
    Location location = parties.sites().get(0).location();
    assertEquals("loc-district-one-hospital-beijing-china", location.getIdElement().getIdPart());
    assertEquals("District One Hospital", location.getName());
    assertEquals("Beijing", location.getAddress().getCity());
    assertEquals("Beijing Municipality", location.getAddress().getState());
    assertEquals("China", location.getAddress().getCountry());
    assertFalse(location.getAddress().hasPostalCode(), "no zip stated");
    assertEquals(Location.LocationMode.INSTANCE, location.getMode());
    assertFalse(location.hasStatus(), "the registry does not say whether the site is active");
    assertEquals(PartyMapper.SITE_PROFILE, location.getMeta().getProfile().get(0).getValue());
    assertSame(site, parties.sites().get(0).site());
  }

  @Test
  void sameSiteTwiceIsOneLocation() {
    Site first = new Site("Anhui Provincial Hospital", "Hefei", null, null, "China", null, List.of());
    Site again = new Site("Anhui Provincial Hospital", "Hefei", null, "230001", "China", "RECRUITING",
        List.of(new Contact("chen zhu, M.D", "CONTACT", null, null, "doczchen@gmail.com")));
    Parties parties = mapper.map(record(null, List.of(), List.of(), List.of(first, again)), diagnostics);
    assertEquals(2, parties.sites().size(), "both stated sites kept, for their statuses and contacts");
    assertSame(parties.sites().get(0).location(), parties.sites().get(1).location());
    assertEquals(1, parties.resources().size());
  }

  @Test
  void siteWithNothingToNameItIsLeftOutWithADiagnostic() {
    Site bare = new Site(null, null, "Hubei", null, null, null, List.of());
    Parties parties = mapper.map(record(null, List.of(), List.of(), List.of(bare)), diagnostics);
    assertTrue(parties.sites().isEmpty());
    assertEquals(1, diagnostics.size());
    assertEquals("ResearchStudy", diagnostics.get(0).section());
  }

  @Test
  void investigatorBecomesAPractitionerWithTheDegreeAsQualification() {
    // CT.gov overallOfficials[].name, role, affiliation
    Investigator pi = new Investigator("Yu Zhang, PhD", "PRINCIPAL_INVESTIGATOR",
        "Guangdong Provincial People's Hospital");
    Parties parties = mapper.map(record(null, List.of(), List.of(pi), List.of()), diagnostics);
    Practitioner practitioner = parties.officials().get(0).practitioner();
    assertEquals("prac-yu-zhang", practitioner.getIdElement().getIdPart());
    assertEquals("Yu Zhang, PhD", practitioner.getNameFirstRep().getText(), "name as written");
    assertFalse(practitioner.getNameFirstRep().hasFamily(), "'Yu Zhang' could be either order: no split");
    assertFalse(practitioner.getNameFirstRep().hasGiven());
    assertEquals("PhD", practitioner.getQualificationFirstRep().getCode().getText());
    assertEquals(PartyMapper.INVESTIGATOR_PROFILE, practitioner.getMeta().getProfile().get(0).getValue());
    assertEquals("org-guangdong-provincial-people-s-hospital",
        parties.officials().get(0).affiliation().getIdElement().getIdPart());
    assertFalse(practitioner.hasTelecom() || practitioner.hasGender() || practitioner.hasBirthDate(),
        "nothing the registry does not state");
  }

  @Test
  void samePersonTwiceIsOnePractitionerWithBothDegrees() {
    Parties parties = mapper.map(record(null, List.of(),
        List.of(new Investigator("Wei Jia, M.D.", "PRINCIPAL_INVESTIGATOR", null),
            new Investigator("Wei Jia, PhD", "STUDY_CHAIR", null)),
        List.of()), diagnostics);
    assertEquals(2, parties.officials().size());
    assertSame(parties.officials().get(0).practitioner(), parties.officials().get(1).practitioner());
    Practitioner practitioner = parties.officials().get(0).practitioner();
    assertEquals(Set.of("M.D.", "PhD"), practitioner.getQualification().stream()
        .map(q -> q.getCode().getText()).collect(Collectors.toSet()));
    assertEquals(1, parties.resources().size());
  }

  @Test
  void affiliationThatIsAlsoTheCollaboratorIsOneOrganization() {
    Parties parties = mapper.map(record(new Sponsor("Beijing Immunochina", "INDUSTRY"),
        List.of(new Sponsor("Guangdong Provincial People's Hospital", "OTHER")),
        List.of(new Investigator("Yu Zhang, PhD", "PRINCIPAL_INVESTIGATOR", "Guangdong Provincial People's Hospital")),
        List.of()), diagnostics);
    assertSame(parties.collaborators().get(0), parties.officials().get(0).affiliation());
    assertEquals(3, parties.resources().size());
  }

  @Test
  void titlesGoToThePrefixAndCommaFormNamesAreSplit() {
    // "Family, Given" says which part is which; titles are not qualifications.
    PersonName inverted = PersonName.parse("Zhang, Yu, MD");
    assertEquals("Zhang", inverted.family());
    assertEquals(List.of("Yu"), inverted.given());
    assertEquals(List.of("MD"), inverted.degrees());

    PersonName professor = PersonName.parse("Wei Jia, Professor");
    assertEquals("Wei Jia", professor.name());
    assertEquals(List.of("Professor"), professor.titles());
    assertTrue(professor.degrees().isEmpty());
    assertNull(professor.family());

    PersonName prefixed = PersonName.parse("Prof. Dr. Wei Jia MD");
    assertEquals("Wei Jia", prefixed.name());
    assertEquals(List.of("Prof.", "Dr."), prefixed.titles());
    assertEquals(List.of("MD"), prefixed.degrees());

    Parties parties = mapper.map(record(null, List.of(),
        List.of(new Investigator("SAMI XI, dr", "PRINCIPAL_INVESTIGATOR", null)), List.of()), diagnostics);
    Practitioner practitioner = parties.officials().get(0).practitioner();
    assertEquals(List.of("dr"), practitioner.getNameFirstRep().getPrefix().stream()
        .map(PrimitiveType::getValue).toList());
    assertFalse(practitioner.hasQualification());
  }

  @Test
  void seedNct06412458() {
    Parties parties = mapper.map(
        TrialReaders.standard().read(Path.of("src/test/resources/cases/NCT06412458/input.txt")).record(),
        diagnostics);
    assertEquals("org-beijing-immunochina-medical-science-technology-co-ltd",
        parties.sponsor().getIdElement().getIdPart());
    assertEquals("INDUSTRY", parties.sponsor().getTypeFirstRep().getText());
    assertEquals(List.of("org-guangdong-provincial-people-s-hospital"),
        parties.collaborators().stream().map(o -> o.getIdElement().getIdPart()).toList());
    assertEquals("prac-yu-zhang", parties.officials().get(0).practitioner().getIdElement().getIdPart());
    assertEquals("loc-guangdong-provincial-people-s-hospital-guangdong-china",
        parties.sites().get(0).location().getIdElement().getIdPart());
    List<String> ids = parties.resources().stream().map(Resource::getIdElement).map(i -> i.getIdPart()).toList();
    assertEquals(ids.size(), Set.copyOf(ids).size(), "each resource once: " + ids);
    assertTrue(diagnostics.isEmpty(), diagnostics.toString());
  }

  @Test
  void twoTrialsOfOneSponsorShareTheOrganizationId() {
    TrialRecord a = record(new Sponsor("Essen Biotech", "OTHER"), List.of(), List.of(), List.of());
    TrialRecord b = record(new Sponsor("ESSEN BIOTECH", null), List.of(), List.of(), List.of());
    assertEquals(mapper.map(a, diagnostics).sponsor().getIdElement().getIdPart(),
        mapper.map(b, diagnostics).sponsor().getIdElement().getIdPart());
  }
}
