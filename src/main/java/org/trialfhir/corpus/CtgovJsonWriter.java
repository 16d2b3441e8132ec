package org.trialfhir.corpus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Arm;
import org.trialfhir.source.TrialRecord.Contact;
import org.trialfhir.source.TrialRecord.Intervention;
import org.trialfhir.source.TrialRecord.Outcome;
import org.trialfhir.source.TrialRecord.Site;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Writes a {@link TrialRecord} as one ClinicalTrials.gov API v2 study ({@code GET /api/v2/studies/{nctId}}): a
 * {@code protocolSection} with its modules, text fields in the API's markdown (escapes included).
 */
final class CtgovJsonWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private final JsonGenerator json;
  private final Dice dice;
  private final Rendering rendering;

  private CtgovJsonWriter(JsonGenerator json, Dice dice) {
    this.json = json;
    this.dice = dice;
    this.rendering = new Rendering(dice, dice.chance(0.4));
  }

  static String write(TrialRecord r, Dice dice) {
    StringWriter text = new StringWriter(16_384);
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.useDefaultPrettyPrinter();
      new CtgovJsonWriter(json, dice).study(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.append('\n').toString();
  }

  private void study(TrialRecord r) throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("protocolSection");

    json.writeObjectFieldStart("identificationModule");
    json.writeStringField("nctId", r.registryId());
    for (TrialRecord.OtherId id : r.otherIds()) {
      json.writeObjectFieldStart("orgStudyIdInfo");
      json.writeStringField("id", id.id());
      json.writeEndObject();
    }
    json.writeStringField("briefTitle", r.briefTitle());
    optional("officialTitle", r.officialTitle());
    json.writeEndObject();

    json.writeObjectFieldStart("statusModule");
    json.writeStringField("overallStatus", r.overallStatus());
    dateStruct("startDateStruct", r.startDate(), r.enrollment().type());
    dateStruct("completionDateStruct", r.completionDate(), "ESTIMATED");
    dateStruct("lastUpdatePostDateStruct", r.lastUpdated(), "ACTUAL");
    json.writeEndObject();

    sponsors(r);

    json.writeObjectFieldStart("descriptionModule");
    json.writeStringField("briefSummary", rendering.text(r.briefSummary()));
    json.writeStringField("detailedDescription", rendering.text(r.detailedDescription()));
    json.writeEndObject();

    json.writeObjectFieldStart("conditionsModule");
    strings("conditions", r.conditions());
    if (!r.keywords().isEmpty()) {
      strings("keywords", r.keywords());
    }
    json.writeEndObject();

    design(r);
    armsAndInterventions(r);
    outcomes(r.outcomes());
    eligibility(r.eligibility());
    contactsAndLocations(r);

    json.writeEndObject();
    json.writeBooleanField("hasResults", false);
    json.writeEndObject();
  }

  private void sponsors(TrialRecord r) throws IOException {
    json.writeObjectFieldStart("sponsorCollaboratorsModule");
    if (r.responsibleParty() != null) {
      json.writeObjectFieldStart("responsibleParty");
      json.writeStringField("type", r.responsibleParty().type());
      optional("investigatorFullName", r.responsibleParty().investigatorName());
      optional("investigatorAffiliation", r.responsibleParty().investigatorAffiliation());
      json.writeEndObject();
    }
    json.writeFieldName("leadSponsor");
    sponsor(r.leadSponsor());
    if (!r.collaborators().isEmpty()) {
      json.writeArrayFieldStart("collaborators");
      for (Sponsor collaborator : r.collaborators()) {
        sponsor(collaborator);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private void sponsor(Sponsor sponsor) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", sponsor.name());
    json.writeStringField("class", sponsor.agencyClass());
    json.writeEndObject();
  }

  private void design(TrialRecord r) throws IOException {
    json.writeObjectFieldStart("designModule");
    json.writeStringField("studyType", r.studyType());
    strings("phases", r.phases());
    TrialRecord.Design d = r.design();
    json.writeObjectFieldStart("designInfo");
    json.writeStringField("allocation", d.allocation());
    json.writeStringField("interventionModel", d.interventionModel());
    optional("interventionModelDescription", rendering.text(d.interventionModelDescription()));
    json.writeStringField("primaryPurpose", d.primaryPurpose());
    json.writeObjectFieldStart("maskingInfo");
    json.writeStringField("masking", d.masking());
    optional("maskingDescription", rendering.text(d.maskingDescription()));
    json.writeEndObject();
    json.writeEndObject();
    json.writeObjectFieldStart("enrollmentInfo");
    json.writeNumberField("count", r.enrollment().count());
    json.writeStringField("type", r.enrollment().type());
    json.writeEndObject();
    json.writeEndObject();
  }

  private void armsAndInterventions(TrialRecord r) throws IOException {
    json.writeObjectFieldStart("armsInterventionsModule");
    json.writeArrayFieldStart("armGroups");
    for (Arm arm : r.arms()) {
      json.writeStartObject();
      json.writeStringField("label", arm.label());
      json.writeStringField("type", arm.type());
      json.writeStringField("description", rendering.text(arm.description()));
      List<String> names = new ArrayList<>();
      for (String name : arm.interventionNames()) {
        String type = r.interventions().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow().type();
        // The API writes "Biological: NAME"; the reader resolves it to the intervention of that type and name.
        names.add(dice.chance(0.7) ? Rendering.sentenceCase(type) + ": " + name : name);
      }
      strings("interventionNames", names);
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("interventions");
    for (Intervention intervention : r.interventions()) {
      json.writeStartObject();
      json.writeStringField("type", intervention.type());
      json.writeStringField("name", intervention.name());
      json.writeStringField("description", rendering.text(intervention.description()));
      strings("armGroupLabels", intervention.armGroupLabels());
      if (!intervention.otherNames().isEmpty()) {
        strings("otherNames", intervention.otherNames());
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private void outcomes(List<Outcome> outcomes) throws IOException {
    json.writeObjectFieldStart("outcomesModule");
    for (String[] kind : new String[][] {{"PRIMARY", "primaryOutcomes"}, {"SECONDARY", "secondaryOutcomes"}}) {
      List<Outcome> ofKind = outcomes.stream().filter(o -> o.kind().equals(kind[0])).toList();
      if (ofKind.isEmpty()) {
        continue;
      }
      json.writeArrayFieldStart(kind[1]);
      for (Outcome outcome : ofKind) {
        json.writeStartObject();
        json.writeStringField("measure", outcome.measure());
        optional("description", rendering.text(outcome.description()));
        json.writeStringField("timeFrame", outcome.timeFrame());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private void eligibility(TrialRecord.Eligibility e) throws IOException {
    json.writeObjectFieldStart("eligibilityModule");
    String criteria = "Inclusion Criteria:\n\n" + String.join("\n", rendering.criteria(e.inclusion(), "", false, false))
        + "\n\nExclusion Criteria:\n\n" + String.join("\n", rendering.criteria(e.exclusion(), "", false, false));
    json.writeStringField("eligibilityCriteria", criteria);
    json.writeBooleanField("healthyVolunteers", Boolean.TRUE.equals(e.healthyVolunteers()));
    json.writeStringField("sex", e.sex());
    json.writeStringField("minimumAge", e.minimumAge().value() + " Years");
    if (e.maximumAge() != null) {
      json.writeStringField("maximumAge", e.maximumAge().value() + " Years");
    }
    json.writeEndObject();
  }

  private void contactsAndLocations(TrialRecord r) throws IOException {
    json.writeObjectFieldStart("contactsLocationsModule");
    if (!r.centralContacts().isEmpty()) {
      json.writeArrayFieldStart("centralContacts");
      for (Contact contact : r.centralContacts()) {
        contact(contact);
      }
      json.writeEndArray();
    }
    if (!r.investigators().isEmpty()) {
      json.writeArrayFieldStart("overallOfficials");
      for (TrialRecord.Investigator investigator : r.investigators()) {
        json.writeStartObject();
        json.writeStringField("name", investigator.name());
        json.writeStringField("affiliation", investigator.affiliation());
        json.writeStringField("role", investigator.role());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeArrayFieldStart("locations");
    for (Site site : r.sites()) {
      json.writeStartObject();
      json.writeStringField("facility", site.facility());
      optional("status", site.status());
      json.writeStringField("city", site.city());
      optional("state", site.state());
      optional("zip", site.zip());
      json.writeStringField("country", site.country());
      if (!site.contacts().isEmpty()) {
        json.writeArrayFieldStart("contacts");
        for (Contact contact : site.contacts()) {
          contact(contact);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private void contact(Contact contact) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", contact.name());
    json.writeStringField("role", contact.role());
    json.writeStringField("phone", contact.phone());
    optional("phoneExt", contact.phoneExt());
    optional("email", contact.email());
    json.writeEndObject();
  }

  private void dateStruct(String field, String date, String type) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeStringField("date", date);
    json.writeStringField("type", type);
    json.writeEndObject();
  }

  private void strings(String field, List<String> values) throws IOException {
    json.writeArrayFieldStart(field);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  private void optional(String field, String value) throws IOException {
    if (value != null) {
      json.writeStringField(field, value);
    }
  }
}
