package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.Diagnostic.Severity;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Turns a record's sponsor, collaborators, sites and overall officials into shared Organization, Location and
 * Practitioner resources with name-derived ids ({@link ResourceIds}), one resource per id however often the
 * record names the party.
 */
public final class PartyMapper {
  public static final String ORGANIZATION_PROFILE =
      "https://trialfhir.org/fhir/StructureDefinition/trial-organization";
  public static final String SITE_PROFILE = "https://trialfhir.org/fhir/StructureDefinition/trial-site";
  public static final String INVESTIGATOR_PROFILE =
      "https://trialfhir.org/fhir/StructureDefinition/trial-investigator";

  private static final String SECTION = "ResearchStudy";

  /**
   * The parties of one record. {@code sponsor} is null when the record names none; {@code collaborators} leaves
   * out repeats and the sponsor itself; {@code sites} and {@code officials} follow the record's order, one entry
   * per stated site or official (two entries may share a resource); {@code resources} holds each resource once.
   */
  public record Parties(
      Organization sponsor,
      List<Organization> collaborators,
      List<PlacedSite> sites,
      List<Official> officials,
      List<Resource> resources) {
    public Parties {
      collaborators = List.copyOf(collaborators);
      sites = List.copyOf(sites);
      officials = List.copyOf(officials);
      resources = List.copyOf(resources);
    }
  }

  /** A record's site and the Location made for it. */
  public record PlacedSite(Site site, Location location) {}

  /** A record's overall official, the Practitioner made for them and their affiliation's Organization (or null). */
  public record Official(TrialRecord.Investigator source, Practitioner practitioner, Organization affiliation) {}

  /** Maps the parties of a record; sites too bare to name are left out with a diagnostic. */
  public Parties map(TrialRecord record, List<Diagnostic> diagnostics) {
    Map<String, Resource> byId = new LinkedHashMap<>();
    Organization sponsor = null;
    if (record.leadSponsor() != null && hasText(record.leadSponsor().name())) {
      sponsor = organization(record.leadSponsor(), byId);
    }
    List<Organization> collaborators = new ArrayList<>();
    for (Sponsor collaborator : record.collaborators()) {
      if (!hasText(collaborator.name())) {
        continue;
      }
      Organization organization = organization(collaborator, byId);
      if (organization != sponsor && !collaborators.contains(organization)) {
        collaborators.add(organization);
      }
    }
    List<PlacedSite> sites = new ArrayList<>();
    for (Site site : record.sites()) {
      if (!hasText(site.facility()) && !hasText(site.city()) && !hasText(site.country())) {
        diagnostics.add(new Diagnostic(Severity.WARNING, SECTION, 0, String.valueOf(site),
            "site with no facility, city or country: no Location made; its contacts are kept without a site"));
        continue;
      }
      sites.add(new PlacedSite(site, location(site, byId)));
    }
    List<Official> officials = new ArrayList<>();
    for (TrialRecord.Investigator investigator : record.investigators()) {
      if (!hasText(investigator.name())) {
        continue;
      }
      Organization affiliation = hasText(investigator.affiliation())
          ? organization(new Sponsor(investigator.affiliation(), null), byId)
          : null;
      officials.add(new Official(investigator, practitioner(investigator.name(), byId), affiliation));
    }
    return new Parties(sponsor, collaborators, sites, officials, List.copyOf(byId.values()));
  }

  private static Organization organization(Sponsor sponsor, Map<String, Resource> byId) {
    String id = ResourceIds.organization(sponsor.name());
    Organization organization = (Organization) byId.get(id);
    if (organization == null) {
      organization = new Organization();
      organization.setId(id);
      organization.getMeta().addProfile(ORGANIZATION_PROFILE);
      organization.setName(sponsor.name().strip());
      byId.put(id, organization);
    }
    // CT.gov agency class (INDUSTRY, OTHER, NIH, ...): kept as the registry states it; no map exists for it.
    if (hasText(sponsor.agencyClass()) && organization.getType().isEmpty()) {
      organization.addType(new CodeableConcept().setText(sponsor.agencyClass()));
    }
    return organization;
  }

  private static Location location(Site site, Map<String, Resource> byId) {
    String id = ResourceIds.location(site.facility(), site.city(), site.country());
    Location location = (Location) byId.get(id);
    if (location != null) {
      return location;
    }
    location = new Location();
    location.setId(id);
    location.getMeta().addProfile(SITE_PROFILE);
    // CT.gov location facility/city/state/zip/country; Location.status stays absent: the registry does not say.
    if (hasText(site.facility())) {
      location.setName(site.facility().strip());
    }
    location.setMode(Location.LocationMode.INSTANCE);
    Address address = new Address();
    if (hasText(site.city())) {
      address.setCity(site.city().strip());
    }
    if (hasText(site.state())) {
      address.setState(site.state().strip());
    }
    if (hasText(site.zip())) {
      address.setPostalCode(site.zip().strip());
    }
    if (hasText(site.country())) {
      address.setCountry(site.country().strip());
    }
    if (!address.isEmpty()) {
      location.setAddress(address);
    }
    byId.put(id, location);
    return location;
  }

  private static Practitioner practitioner(String written, Map<String, Resource> byId) {
    String id = ResourceIds.practitioner(written);
    PersonName parsed = PersonName.parse(written);
    Practitioner practitioner = (Practitioner) byId.get(id);
    HumanName name;
    if (practitioner == null) {
      practitioner = new Practitioner();
      practitioner.setId(id);
      practitioner.getMeta().addProfile(INVESTIGATOR_PROFILE);
      // CT.gov overallOfficial name, kept as written; family/given only where the comma form says which is which.
      name = practitioner.addName().setText(written.strip());
      if (parsed.family() != null) {
        name.setFamily(parsed.family());
        parsed.given().forEach(name::addGiven);
      }
      byId.put(id, practitioner);
    } else {
      name = practitioner.getNameFirstRep();
    }
    for (String title : parsed.titles()) {
      if (name.getPrefix().stream().map(PrimitiveType::getValue).noneMatch(title::equals)) {
        name.addPrefix(title);
      }
    }
    for (String degree : parsed.degrees()) {
      boolean known = practitioner.getQualification().stream()
          .anyMatch(q -> degree.equalsIgnoreCase(q.getCode().getText()));
      if (!known) {
        practitioner.addQualification().setCode(new CodeableConcept().setText(degree));
      }
    }
    return practitioner;
  }

  private static boolean hasText(String text) {
    return text != null && !text.isBlank();
  }

  /**
   * A person's name as a registry writes it, taken apart: the name without degrees and titles ("Yu Zhang, PhD"
   * → "Yu Zhang"), the academic degrees (PhD, M.D.), the titles (Dr, Professor), and family/given only when the
   * source uses the unambiguous "Family, Given" form — "Yu Zhang" alone could be either order.
   */
  public record PersonName(
      String name, List<String> degrees, List<String> titles, String family, List<String> given) {
    // Degree and title spellings, compared lower-case without dots ("M.D." → "md"); name formatting, not vocabulary.
    private static final Set<String> DEGREES = Set.of(
        "phd", "md", "mbbs", "mbchb", "mb", "bs", "bch", "chb", "msc", "ms", "mph", "ma", "bsc", "ba", "rn",
        "np", "pa", "do", "dds", "dmd", "pharmd", "drph", "dsc", "mmed", "mmsc", "mhs", "frcp", "frcpc", "frcpath",
        "facp", "frcs", "mrcp", "dnb");
    private static final Set<String> TITLES = Set.of(
        "dr", "prof", "professor", "doctor", "assoc", "associate", "assistant", "mr", "mrs", "miss", "sir");
    // Trailing degrees written without a comma ("Yu Zhang PhD"): only spellings that cannot be a surname.
    private static final Set<String> UNAMBIGUOUS = Set.of("phd", "md", "mbbs", "mbchb", "mph", "msc", "frcp", "frcpc");
    private static final Pattern TOKEN_SPLIT = Pattern.compile("[\\s/&]+");
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    public PersonName {
      degrees = List.copyOf(degrees);
      titles = List.copyOf(titles);
      given = List.copyOf(given);
    }

    /** Parses a name as written. */
    public static PersonName parse(String written) {
      List<String> degrees = new ArrayList<>();
      List<String> titles = new ArrayList<>();
      List<String> nameParts = new ArrayList<>();
      String[] parts = COMMA.split(written.strip());
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i].strip();
        if (part.isEmpty()) {
          continue;
        }
        List<String> tokens = List.of(TOKEN_SPLIT.split(part));
        if (i > 0 && tokens.stream().allMatch(t -> DEGREES.contains(key(t)) || TITLES.contains(key(t)))) {
          tokens.forEach(t -> (TITLES.contains(key(t)) ? titles : degrees).add(t));
          continue;
        }
        nameParts.add(stripAround(part, degrees, titles));
      }
      nameParts.removeIf(String::isEmpty);
      String family = null;
      List<String> given = List.of();
      if (nameParts.size() == 2 && !nameParts.get(0).contains(" ")) {
        family = nameParts.get(0);
        given = List.of(SPACES.split(nameParts.get(1)));
      }
      return new PersonName(String.join(", ", nameParts), degrees, titles, family, given);
    }

    /** Drops leading titles ("Prof. Wei Jia") and trailing unambiguous degrees ("Yu Zhang PhD") from a name part. */
    private static String stripAround(String part, List<String> degrees, List<String> titles) {
      List<String> words = new ArrayList<>(List.of(SPACES.split(part)));
      while (words.size() > 1 && TITLES.contains(key(words.get(0)))) {
        titles.add(words.remove(0));
      }
      while (words.size() > 1 && UNAMBIGUOUS.contains(key(words.get(words.size() - 1)))) {
        degrees.add(0, words.remove(words.size() - 1));
      }
      return String.join(" ", words);
    }

    private static String key(String token) {
      return token.replace(".", "").toLowerCase(Locale.ROOT);
    }
  }
}
