package org.trialfhir.source;

import java.util.List;

/**
 * A faithful, typed transcription of one registry record: every section the page or JSON states, in the
 * registry's own vocabulary (CT.gov enum spellings such as {@code RECRUITING} or {@code PHASE1}), and
 * nothing it does not state (absent values are {@code null} or empty lists).
 */
public record TrialRecord(
    String registryId,
    List<OtherId> otherIds,
    String briefTitle,
    String officialTitle,
    String lastUpdated,
    String overallStatus,
    List<String> phases,
    Enrollment enrollment,
    String startDate,
    String completionDate,
    String studyType,
    String briefSummary,
    String detailedDescription,
    List<String> conditions,
    List<String> keywords,
    Design design,
    List<Arm> arms,
    List<Intervention> interventions,
    List<Outcome> outcomes,
    Eligibility eligibility,
    Sponsor leadSponsor,
    List<Sponsor> collaborators,
    ResponsibleParty responsibleParty,
    List<Investigator> investigators,
    List<Site> sites,
    List<String> countries,
    List<Contact> centralContacts,
    List<Contact> unplacedFacilityContacts) {

  public TrialRecord {
    otherIds = List.copyOf(otherIds);
    phases = List.copyOf(phases);
    conditions = List.copyOf(conditions);
    keywords = List.copyOf(keywords);
    arms = List.copyOf(arms);
    interventions = List.copyOf(interventions);
    outcomes = List.copyOf(outcomes);
    collaborators = List.copyOf(collaborators);
    investigators = List.copyOf(investigators);
    sites = List.copyOf(sites);
    countries = List.copyOf(countries);
    centralContacts = List.copyOf(centralContacts);
    unplacedFacilityContacts = List.copyOf(unplacedFacilityContacts);
  }

  /** A sponsor's or registry's other identifier for the study (CT.gov orgStudyIdInfo / secondaryIdInfos). */
  public record OtherId(String id, String type, String source) {}

  /** Enrollment count; {@code type} is ACTUAL or ESTIMATED only where the source says which. */
  public record Enrollment(Integer count, String type) {}

  /** CT.gov designInfo: enum words as the registry spells them, with their free-text notes. */
  public record Design(
      String allocation,
      String interventionModel,
      String interventionModelDescription,
      String primaryPurpose,
      String masking,
      String maskingDescription) {}

  /** An arm or group (CT.gov armGroups). */
  public record Arm(String label, String type, String description, List<String> interventionNames) {
    public Arm {
      interventionNames = List.copyOf(interventionNames);
    }
  }

  /** An intervention (CT.gov interventions). */
  public record Intervention(
      String name, String type, String description, List<String> armGroupLabels, List<String> otherNames) {
    public Intervention {
      armGroupLabels = List.copyOf(armGroupLabels);
      otherNames = List.copyOf(otherNames);
    }
  }

  /** An outcome measure; {@code kind} is PRIMARY, SECONDARY or OTHER. */
  public record Outcome(String kind, String measure, String timeFrame, String description) {}

  /**
   * Eligibility: each criterion its own item with its nesting kept, the structured age limits and sex as
   * stated, and {@code healthyVolunteers} only where stated.
   */
  public record Eligibility(
      List<Criterion> inclusion,
      List<Criterion> exclusion,
      AgeLimit minimumAge,
      AgeLimit maximumAge,
      String sex,
      Boolean healthyVolunteers) {
    public Eligibility {
      inclusion = List.copyOf(inclusion);
      exclusion = List.copyOf(exclusion);
    }
  }

  /**
   * One criterion as the source numbers it ({@code label} such as {@code 1.}, {@code (2)}, {@code *}, or null
   * for an unnumbered paragraph), its full text with markdown escapes removed, and its sub-items.
   */
  public record Criterion(String label, String text, List<Criterion> children) {
    public Criterion {
      children = List.copyOf(children);
    }
  }

  /** An age limit such as "21 Years": the number and the registry's unit word (YEARS, MONTHS, ...). */
  public record AgeLimit(int value, String unit) {}

  /** A sponsor or collaborator; {@code agencyClass} is the CT.gov class (INDUSTRY, OTHER, NIH, ...). */
  public record Sponsor(String name, String agencyClass) {}

  /** CT.gov responsibleParty. */
  public record ResponsibleParty(String type, String investigatorName, String investigatorAffiliation) {}

  /** An overall official; the name is kept as written, degrees included ("Yu Zhang, PhD"). */
  public record Investigator(String name, String role, String affiliation) {}

  /** A site (CT.gov locations), with its recruitment status and its own contacts. */
  public record Site(
      String facility,
      String city,
      String state,
      String zip,
      String country,
      String status,
      List<Contact> contacts) {
    public Site {
      contacts = List.copyOf(contacts);
    }
  }

  /** A central or facility contact. */
  public record Contact(String name, String role, String phone, String phoneExt, String email) {}
}
