package org.trialfhir.corpus;

import java.util.List;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * A trial's sponsors, sites and people, before each format picks what it shows.
 *
 * @param lead the lead sponsor (class INDUSTRY, OTHER or NIH)
 * @param collaborators further sponsors
 * @param sites the sites, first the sponsor's own hospital when an institution sponsors
 * @param investigators overall officials with their CT.gov role and affiliation
 * @param responsibleType the responsible party's CT.gov type; the first investigator when not SPONSOR
 * @param centralContacts the study's central contacts
 */
record Parties(
    Sponsor lead,
    List<Sponsor> collaborators,
    List<Place> sites,
    List<Official> investigators,
    String responsibleType,
    List<Person> centralContacts) {

  /** A person's name as written ("Yu Zhang, PhD") and how to reach them. */
  record Person(String name, String phone, String phoneExt, String email) {}

  /** An overall official: name as written, CT.gov role, affiliation. */
  record Official(String name, String plainName, String role, String affiliation) {}

  /** A site; {@code status} is null where the registry shows none, {@code contact} null where none is listed. */
  record Place(String facility, String city, String state, String zip, Pools.Country country, String status,
      Person contact) {}
}
