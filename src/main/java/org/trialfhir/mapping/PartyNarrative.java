package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Practitioner.PractitionerQualificationComponent;

/** Writes the narrative of a trial's parties: an Organization, a Location (site) or a Practitioner. */
final class PartyNarrative {
  private PartyNarrative() {}

  static void organization(Organization organization, XhtmlBuilder out) {
    Xhtml.heading(out, organization.hasName() ? organization.getName() : organization.getIdElement().getIdPart());
    Xhtml.Facts facts = new Xhtml.Facts().add("Type", String.join("; ",
        organization.getType().stream().map(Xhtml::concept).filter(Xhtml::has).toList()));
    for (Address address : organization.getAddress()) {
      facts.add("Address", address(address));
    }
    facts.writeTo(out);
  }

  static void location(Location location, XhtmlBuilder out) {
    String address = location.hasAddress() ? address(location.getAddress()) : null;
    String title = location.hasName() ? location.getName() : address;
    Xhtml.heading(out, Xhtml.has(title) ? title : location.getIdElement().getIdPart());
    if (location.hasName() && Xhtml.has(address)) {
      Xhtml.paragraph(out, address);
    }
  }

  static void practitioner(Practitioner practitioner, XhtmlBuilder out) {
    Xhtml.heading(out, practitioner.hasName() ? name(practitioner.getNameFirstRep())
        : practitioner.getIdElement().getIdPart());
    List<String> qualifications = new ArrayList<>();
    for (PractitionerQualificationComponent qualification : practitioner.getQualification()) {
      String code = Xhtml.concept(qualification.getCode());
      if (Xhtml.has(code)) {
        qualifications.add(code);
      }
    }
    new Xhtml.Facts().add("Qualifications", String.join(", ", qualifications)).writeTo(out);
  }

  private static String name(HumanName name) {
    return name.hasText() ? name.getText() : name.getNameAsSingleString();
  }

  /** "Guangdong, Guangdong, China": the parts the source states, in postal order. */
  private static String address(Address address) {
    List<String> parts = new ArrayList<>();
    address.getLine().forEach(line -> parts.add(line.getValue()));
    parts.add(address.getCity());
    parts.add(address.getDistrict());
    parts.add(address.getState());
    parts.add(address.getPostalCode());
    parts.add(address.getCountry());
    parts.removeIf(part -> !Xhtml.has(part));
    return String.join(", ", parts);
  }
}
