package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.TrialRecord;

/**
 * Maps one TrialRecord to every FHIR resource of the trial (ResearchStudy, PlanDefinition, ActivityDefinitions,
 * Group, Organizations, Locations, Practitioners), and gathers resources of several trials into one
 * {@code collection} Bundle in which shared parties appear once.
 */
public final class TrialBundleMapper {
  public static final String BASE = "https://trialfhir.org/fhir";

  private final PartyMapper parties;
  private final ResearchStudyMapper studies;
  private final ProtocolMapper protocols;
  private final EligibilityMapper eligibility;
  private final NarrativeWriter narratives = new NarrativeWriter();

  public TrialBundleMapper(ConceptMaps maps) {
    this.parties = new PartyMapper();
    this.studies = new ResearchStudyMapper(maps);
    this.protocols = new ProtocolMapper(maps);
    this.eligibility = new EligibilityMapper(maps);
  }

  /** The resources of one trial, study first, and what the mappers could not carry over as codes. */
  public record TrialResources(List<Resource> resources, List<Diagnostic> diagnostics) {}

  public TrialResources map(TrialRecord record) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    PartyMapper.Parties mapped = parties.map(record, diagnostics);
    List<Resource> resources = new ArrayList<>();
    resources.add(studies.map(record, mapped, diagnostics));
    ProtocolMapper.Protocol protocol = protocols.map(record, diagnostics);
    resources.add(protocol.plan());
    resources.addAll(protocol.activities());
    resources.add(eligibility.map(record, diagnostics));
    resources.addAll(mapped.resources());
    Map<String, ActivityDefinition> activitiesByUrl = new LinkedHashMap<>();
    protocol.activities().forEach(activity -> activitiesByUrl.put(activity.getUrl(), activity));
    // One buffer for all the record's narratives: each resource's string is copied out of it when done.
    XhtmlBuilder scratch = XhtmlBuilder.reusable();
    resources.forEach(resource -> narratives.write(resource, activitiesByUrl, scratch));
    return new TrialResources(resources, diagnostics);
  }

  /** A collection Bundle of the given resources; a resource with the same type and id is kept once. */
  public static Bundle collection(List<Resource> resources) {
    Map<String, Resource> unique = new LinkedHashMap<>();
    for (Resource resource : resources) {
      unique.putIfAbsent(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
    }
    Bundle bundle = new Bundle().setType(BundleType.COLLECTION);
    for (Map.Entry<String, Resource> entry : unique.entrySet()) {
      bundle.addEntry().setFullUrl(BASE + "/" + entry.getKey()).setResource(entry.getValue());
    }
    return bundle;
  }
}
