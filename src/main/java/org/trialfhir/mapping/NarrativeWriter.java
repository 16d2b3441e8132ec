package org.trialfhir.mapping;

import java.util.Map;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;

/**
 * Takes a mapped resource and gives it a human-readable narrative ({@code text.status = generated}) written from
 * the resource's own elements. The XHTML is written as the string HAPI would compose for it (see {@link
 * XhtmlBuilder}); the div holding it still gives a node tree to whatever asks for one.
 */
public final class NarrativeWriter {

  /** Writes the narrative of any resource the converter emits; a PlanDefinition gets no doses this way. */
  public void write(Resource resource) {
    write(resource, Map.of());
  }

  /**
   * Writes the narrative; a PlanDefinition's schedule takes doses, routes and durations from the
   * ActivityDefinitions (by canonical URL) its actions point to. Resources without a narrative are left alone.
   */
  public void write(Resource resource, Map<String, ActivityDefinition> activitiesByUrl) {
    write(resource, activitiesByUrl, XhtmlBuilder.reusable());
  }

  /** As {@link #write(Resource, Map)}, writing into {@code scratch} (see {@link XhtmlBuilder#reusable}). */
  void write(Resource resource, Map<String, ActivityDefinition> activitiesByUrl, XhtmlBuilder scratch) {
    if (!(resource instanceof DomainResource domain)) {
      return;
    }
    XhtmlBuilder div = scratch.startDiv();
    if (resource instanceof ResearchStudy study) {
      StudyNarrative.study(study, div);
    } else if (resource instanceof PlanDefinition plan) {
      new ProtocolNarrative(activitiesByUrl).plan(plan, div);
    } else if (resource instanceof ActivityDefinition activity) {
      new ProtocolNarrative(activitiesByUrl).activity(activity, div);
    } else if (resource instanceof Group group) {
      EligibilityNarrative.group(group, div);
    } else if (resource instanceof Organization organization) {
      PartyNarrative.organization(organization, div);
    } else if (resource instanceof Location location) {
      PartyNarrative.location(location, div);
    } else if (resource instanceof Practitioner practitioner) {
      PartyNarrative.practitioner(practitioner, div);
    } else {
      Xhtml.heading(div, resource.fhirType() + " " + resource.getIdElement().getIdPart());
    }
    domain.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div.toDiv());
  }
}
