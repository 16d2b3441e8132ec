package org.trialfhir.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.trialfhir.corpus.Parties.Person;
import org.trialfhir.corpus.Parties.Place;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Design;
import org.trialfhir.source.TrialRecord.Eligibility;
import org.trialfhir.source.TrialRecord.Enrollment;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Investigator;
import org.trialfhir.source.TrialRecord.ResponsibleParty;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * What each format states of a trial: the ClinicalTrials.gov page has no official title and no outcomes and
 * shows facility contacts only for a single site; the MedPath page has no dates, identifiers, structured ages,
 * sponsor class, officials or site status; the API JSON has everything. The record this returns is the one the
 * format's reader must give back.
 */
final class FormatCoverage {
  private FormatCoverage() {}

  static TrialRecord project(TrialRecord full, Parties parties, CorpusFormat format, Dice dice) {
    return switch (format) {
      case CTGOV_JSON -> json(full, parties);
      case CTGOV_PAGE -> page(full, parties, dice);
      case MEDPATH_PAGE -> medPath(full, parties, dice);
    };
  }

  private static TrialRecord json(TrialRecord full, Parties parties) {
    List<Site> sites = parties.sites().stream()
        .map(p -> site(p, p.status(), p.zip(),
            p.contact() == null ? List.of() : List.of(contact(p.contact(), "PRIMARY"))))
        .toList();
    return with(full, full.otherIds(), full.officialTitle(), full.lastUpdated(), full.enrollment(), full.startDate(),
        full.completionDate(), full.keywords(), full.design(), full.arms(), full.interventions(), full.outcomes(),
        full.eligibility(), full.leadSponsor(), full.collaborators(), responsibleParty(parties), investigators(parties),
        sites, central(parties));
  }

  private static TrialRecord page(TrialRecord full, Parties parties, Dice dice) {
    List<Place> places = parties.sites();
    List<Site> sites = places.stream().map(p -> site(p, p.status(), p.zip(),
        places.size() == 1 && p.contact() != null ? List.of(contact(p.contact(), "PRIMARY")) : List.of())).toList();
    Enrollment enrollment = dice.chance(0.2) ? full.enrollment() : new Enrollment(full.enrollment().count(), null);
    List<Intervention> interventions = full.interventions().stream()
        .map(i -> new Intervention(i.name(), i.type(), i.description(), i.armGroupLabels(), List.of())).toList();
    return with(full, full.otherIds(), null, full.lastUpdated(), enrollment, full.startDate(), full.completionDate(),
        full.keywords(), full.design(), full.arms(), interventions, List.of(), full.eligibility(), full.leadSponsor(),
        full.collaborators(), dice.chance(0.9) ? responsibleParty(parties) : null, investigators(parties), sites,
        central(parties));
  }

  private static TrialRecord medPath(TrialRecord full, Parties parties, Dice dice) {
    boolean listsInterventions = dice.chance(0.9);
    boolean listsArms = listsInterventions && dice.chance(0.85);
    List<Arm> arms = listsArms
        ? full.arms().stream().map(a -> new Arm(a.label(), null, a.description(), a.interventionNames())).toList()
        : List.of();
    List<Intervention> interventions = listsInterventions
        ? full.interventions().stream().map(i -> new Intervention(i.name(), i.type(), null,
            listsArms ? i.armGroupLabels() : List.of(), List.of())).toList()
        : List.of();
    List<Site> sites = new ArrayList<>();
    for (Place place : parties.sites()) {
      boolean first = sites.isEmpty();
      sites.add(site(place, null, null,
          first && place.contact() != null ? List.of(contact(place.contact(), "CONTACT")) : List.of()));
    }
    Design design = new Design(null, full.design().interventionModel(), null, null, null, null);
    Eligibility eligibility = new Eligibility(full.eligibility().inclusion(), full.eligibility().exclusion(), null,
        null, full.eligibility().sex(), null);
    return with(full, List.of(), null, null, new Enrollment(full.enrollment().count(), "ESTIMATED"), null, null,
        List.of(), design, arms, interventions, full.outcomes(), eligibility,
        new Sponsor(full.leadSponsor().name(), null), List.of(), null, List.of(), sites, List.of());
  }

  private static TrialRecord with(TrialRecord full, List<TrialRecord.OtherId> otherIds, String officialTitle,
      String lastUpdated, Enrollment enrollment, String startDate, String completionDate, List<String> keywords,
      Design design, List<Arm> arms, List<Intervention> interventions, List<TrialRecord.Outcome> outcomes,
      Eligibility eligibility, Sponsor lead, List<Sponsor> collaborators, ResponsibleParty responsibleParty,
      List<Investigator> investigators, List<Site> sites, List<Contact> centralContacts) {
    List<String> countries = List.copyOf(new LinkedHashSet<>(sites.stream().map(Site::country).toList()));
    return new TrialRecord(full.registryId(), otherIds, full.briefTitle(), officialTitle, lastUpdated,
        full.overallStatus(), full.phases(), enrollment, startDate, completionDate, full.studyType(),
        full.briefSummary(), full.detailedDescription(), full.conditions(), keywords, design, arms, interventions,
        outcomes, eligibility, lead, collaborators, responsibleParty, investigators, sites, countries, centralContacts,
        List.of());
  }

  private static Site site(Place place, String status, String zip, List<Contact> contacts) {
    return new Site(place.facility(), place.city(), place.state(), zip, place.country().name(), status, contacts);
  }

  private static Contact contact(Person person, String role) {
    return new Contact(person.name(), role, person.phone(), person.phoneExt(), person.email());
  }

  private static ResponsibleParty responsibleParty(Parties parties) {
    if (parties.responsibleType().equals("SPONSOR")) {
      return new ResponsibleParty("SPONSOR", null, null);
    }
    Parties.Official official = parties.investigators().get(0);
    return new ResponsibleParty(parties.responsibleType(), official.plainName(), official.affiliation());
  }

  private static List<Investigator> investigators(Parties parties) {
    return parties.investigators().stream().map(o -> new Investigator(o.name(), o.role(), o.affiliation())).toList();
  }

  private static List<Contact> central(Parties parties) {
    return parties.centralContacts().stream().map(p -> contact(p, "CONTACT")).toList();
  }
}
